import { describe, expect, it } from 'vitest';
import { fieldOfReadbackTag, READBACK_TAG } from '../../shared/scada/readback.js';
import { countPoints, type EventBody } from './bodies.js';
import { virtualClock } from './clock.js';
import { FAULT_KINDS, NO_FAULTS, type FaultRatesInput } from './faults.js';
import { EmittedPoint, pointTsMs } from './point.js';
import { createPotline, type PotlineOptions } from './potline.js';
import { runSimulator } from './runner.js';
import { memorySink } from './sinks/memory-sink.js';
import { TAG_SPECS, type SimTag } from './tags.js';
import { parseBody } from '../../shared/telemetry/parse-body.js';
import { DEFAULT_PLANT_FILE, plantTagResolver, readPlantFile } from './plant-file.js';

async function simulate(
  potlineOptions: PotlineOptions,
  durationS: number,
  ratePerMin: number,
  faults?: FaultRatesInput,
) {
  const potline = createPotline(potlineOptions);
  const sink = memorySink();
  const run = runSimulator({
    potline,
    sink,
    ratePerMin,
    durationS,
    clock: virtualClock(0),
    ...(faults ? { faults } : {}),
  });
  const counters = await run.done;
  return { potline, sink, run, counters };
}

/** Every valid point in the bodies, in send order (corrupt bodies skipped). */
function points(events: readonly EventBody[]): EmittedPoint[] {
  const out: EmittedPoint[] = [];
  for (const e of events) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(e.body);
    } catch {
      continue;
    }
    const list = Array.isArray(parsed) ? parsed : ((parsed as { points?: unknown[] }).points ?? [parsed]);
    for (const p of list) out.push(EmittedPoint.parse(p));
  }
  return out;
}

describe('telemetry emission', () => {
  it('sends the same stream for the same seed, and a different one for another seed', async () => {
    const a = await simulate({ lines: 2, cellsPerLine: 5, seed: 42 }, 30, 6000);
    const b = await simulate({ lines: 2, cellsPerLine: 5, seed: 42 }, 30, 6000);
    const c = await simulate({ lines: 2, cellsPerLine: 5, seed: 43 }, 30, 6000);
    expect(a.sink.events.length).toBeGreaterThan(100);
    expect(b.sink.events).toEqual(a.sink.events);
    expect(b.run.labels.labels()).toEqual(a.run.labels.labels());
    expect(c.sink.events).not.toEqual(a.sink.events);
  });

  it('emits sensors at the configured rate and the set-point read-back every 10 s on top, well-formed, partition key = cellId, per-sensor seq', async () => {
    const { sink, counters } = await simulate({ lines: 3, cellsPerLine: 20, seed: 1 }, 60, 10_000, NO_FAULTS);
    const all = points(sink.events);
    const readback = all.filter((p) => fieldOfReadbackTag(p.tag) !== undefined);
    expect(all.length - readback.length).toBeGreaterThan(9_500);
    expect(all.length - readback.length).toBeLessThan(10_500);
    // Three set points per cell and the line current per line, each reported 6 times in 60 s.
    expect(readback.length).toBe((60 * 3 + 3) * 6);
    expect(all.length).toBe(counters.pointsSent);
    for (const e of sink.events) {
      const first = points([e])[0]!;
      expect(e.partitionKey).toBe(first.cellId);
    }
    const lastSeq = new Map<string, number>();
    for (const p of all) {
      const key = `${p.cellId}/${p.tag}`;
      expect(p.seq).toBe((lastSeq.get(key) ?? 0) + 1);
      lastSeq.set(key, p.seq!);
    }
    expect(new Set(all.map((p) => p.tag))).toEqual(
      new Set([...Object.keys(TAG_SPECS), ...Object.values(READBACK_TAG)]),
    );
    expect(all.filter((p) => p.tag === 'lineCurrent').every((p) => p.cellId.endsWith('-LINE'))).toBe(true);
    const shapes = new Set(
      sink.events.map((e) => (e.body.startsWith('[') ? 'array' : e.body.startsWith('{"points"') ? 'object' : 'single')),
    );
    expect(shapes).toEqual(new Set(['array', 'object', 'single']));
  });

  it("sends each line's points under the plant's own tag names and units where its tag map names them", async () => {
    const plant = readPlantFile(DEFAULT_PLANT_FILE);
    for (const line of plant.areas.flatMap((a) => a.lines)) line.cells = line.cells.slice(0, 4);
    const { sink, run } = await simulate({ plant, seed: 4 }, 60, 6000, { ...NO_FAULTS, spike: 0.01 });
    const all = points(sink.events);
    const tagsOf = (lineId: string) => new Set(all.filter((p) => p.lineId === lineId).map((p) => p.tag));
    // L1 has no tag map: canonical names. L2 names its voltage, current and beam in its historian's terms and units.
    expect(tagsOf('L1')).toContain('cellVoltage');
    expect(tagsOf('L2')).not.toContain('cellVoltage');
    const spiked = new Set(run.labels.labels().map((l) => `${l.cellId}|${l.seq}`));
    const clean = (tag: string) => all.filter((p) => p.tag === tag && !spiked.has(`${p.cellId}|${p.seq}`));
    expect(clean('Pot/Voltage').length).toBeGreaterThan(10);
    expect(clean('Pot/Voltage').every((p) => p.unit === 'mV' && p.value > 3500 && p.value < 5500)).toBe(true);
    expect(clean('Line/Current').every((p) => p.unit === 'A' && p.value > 390_000)).toBe(true);
    // Ingestion, given the same plant, reads every point as a canonical tag; the labels name canonical tags.
    const tags = plantTagResolver(plant);
    const parsed = sink.events.map((e) => parseBody(new TextEncoder().encode(e.body), tags));
    expect(parsed.flatMap((p) => p.rejections)).toEqual([]);
    expect(parsed.flatMap((p) => p.points).length).toBe(all.length);
    const labelTags = new Set(run.labels.labels().flatMap((l) => (l.tag ? [l.tag] : [])));
    expect([...labelTags].every((t) => t in TAG_SPECS)).toBe(true);
    expect(labelTags.size).toBeGreaterThan(0);
  });

  it('sends the first sample after a dropout in order and unfaulted, so the gap is where its label says', async () => {
    const { run, sink } = await simulate({ lines: 1, cellsPerLine: 10, seed: 6 }, 120, 30_000, {
      ...NO_FAULTS,
      dropout: 0.03,
      out_of_order: 0.1,
      spike: 0.1,
    });
    const dropouts = run.labels.labels().filter((l) => l.kind === 'dropout');
    expect(dropouts.length).toBeGreaterThan(20);
    const order = new Map<string, number[]>();
    for (const p of points(sink.events)) {
      const k = `${p.cellId}|${p.tag}`;
      (order.get(k) ?? order.set(k, []).get(k)!).push(p.seq!);
    }
    const faulted = new Set(
      run.labels
        .labels()
        .filter((l) => l.kind !== 'dropout')
        .map((l) => `${l.cellId}|${l.tag}|${l.seq}`),
    );
    for (const d of dropouts) {
      const seqs = order.get(`${d.cellId}|${d.tag}`)!;
      const i = seqs.indexOf(d.seq!);
      // Every point before it in the stream has a lower seq: it arrives right after the gap.
      expect(Math.max(-1, ...seqs.slice(0, i)), `${d.cellId} ${d.tag} ${d.seq}`).toBeLessThan(d.seq!);
      expect(faulted.has(`${d.cellId}|${d.tag}|${d.seq}`), `${d.cellId} ${d.tag} ${d.seq}`).toBe(false);
    }
  });

  it('injects each fault kind at roughly its configured rate and labels every one', async () => {
    const rates = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0.004])) as FaultRatesInput;
    const { counters, sink } = await simulate({ lines: 3, cellsPerLine: 30, seed: 7 }, 120, 60_000, rates);
    const samples = counters.pointsSent;
    const bodies = counters.bodiesSent - counters.corruptBodiesSent;
    for (const kind of [
      'spike',
      'duplicate',
      'out_of_order',
      'wrong_unit',
      'bad_quality',
      'unknown_tag',
      'stuck',
      'dropout',
    ] as const) {
      const perSample = (counters.labelsByKind[kind] ?? 0) / samples;
      // Some sensors cannot take some faults (feeder shots, the beam encoder), and stuck runs/gaps pause a sensor.
      expect(perSample, kind).toBeGreaterThan(0.004 * 0.5);
      expect(perSample, kind).toBeLessThan(0.004 * 1.4);
    }
    for (const kind of ['malformed_json', 'truncated_batch'] as const) {
      const perBody = (counters.labelsByKind[kind] ?? 0) / bodies;
      expect(perBody, kind).toBeGreaterThan(0.004 * 0.6);
      expect(perBody, kind).toBeLessThan(0.004 * 1.4);
    }
    const corrupt = sink.events.filter((e) => countPoints(e.body) === 0);
    expect(corrupt.length).toBe(counters.corruptBodiesSent);
  });

  it('labels faults so they can be found in the stream: wrong units convert back to the true value', async () => {
    const { run, sink } = await simulate({ lines: 1, cellsPerLine: 20, seed: 5 }, 120, 20_000, {
      ...NO_FAULTS,
      wrong_unit: 0.02,
      spike: 0.01,
      bad_quality: 0.01,
    });
    const all = points(sink.events);
    const byKey = new Map(all.map((p) => [`${p.cellId}/${p.tag}/${p.seq}`, p]));
    const labels = run.labels.labels();
    const wrong = labels.filter((l) => l.kind === 'wrong_unit');
    expect(wrong.length).toBeGreaterThan(50);
    const units = new Set<string>();
    for (const label of wrong) {
      const point = byKey.get(`${label.cellId}/${label.tag}/${label.seq}`)!;
      expect(point.unit).not.toBe(TAG_SPECS[label.tag as SimTag].canonicalUnit);
      const conversion = TAG_SPECS[label.tag as SimTag].wrongUnits.find((w) => w.unit === point.unit)!;
      expect(conversion.toCanonical(point.value)).toBeCloseTo(label.trueValue!, 9);
      expect(pointTsMs(point)).toBe(label.tsMs);
      units.add(point.unit);
    }
    expect(units).toEqual(new Set(['A', 'mV', 'degF', 'K', 'mm']));
    for (const label of labels.filter((l) => l.kind === 'spike')) {
      const point = byKey.get(`${label.cellId}/${label.tag}/${label.seq}`)!;
      expect(Math.abs(point.value - label.trueValue!)).toBeGreaterThanOrEqual(
        TAG_SPECS[label.tag as SimTag].spikeMagnitude[0] - 1e-3,
      );
    }
    for (const label of labels.filter((l) => l.kind === 'bad_quality')) {
      expect(byKey.get(`${label.cellId}/${label.tag}/${label.seq}`)!.quality).not.toBe('good');
    }
  });

  it('repeats a stuck value, leaves a gap for a dropout and sends an out-of-order point after later ones', async () => {
    const { run, sink } = await simulate({ lines: 1, cellsPerLine: 10, seed: 8 }, 120, 20_000, {
      ...NO_FAULTS,
      stuck: 0.002,
      dropout: 0.004,
      out_of_order: 0.004,
    });
    const all = points(sink.events);
    const bySensor = new Map<string, EmittedPoint[]>();
    for (const p of all) bySensor.set(`${p.cellId}/${p.tag}`, [...(bySensor.get(`${p.cellId}/${p.tag}`) ?? []), p]);
    const labels = run.labels.labels();
    const stuck = labels.filter((l) => l.kind === 'stuck');
    expect(stuck.length).toBeGreaterThan(0);
    for (const label of stuck) {
      const series = bySensor.get(`${label.cellId}/${label.tag}`)!;
      const run = series.filter((p) => p.seq! >= label.seq! && p.seq! <= (label.detail!.lastSeq as number));
      expect(run.length).toBe(label.detail!.samples);
      expect(new Set(run.map((p) => p.value))).toEqual(new Set([label.detail!.stuckValue]));
    }
    for (const label of labels.filter((l) => l.kind === 'dropout')) {
      const series = bySensor.get(`${label.cellId}/${label.tag}`)!;
      const after = series.find((p) => p.seq === label.seq)!;
      const before = series.find((p) => p.seq === label.seq! - 1)!;
      // The sensor's interval: the median step between consecutive samples (robust to its gaps and delayed points).
      const bySeq = [...series].sort((a, b) => a.seq! - b.seq!);
      const steps = bySeq
        .flatMap((p, i) => (i > 0 && p.seq === bySeq[i - 1]!.seq! + 1 ? [pointTsMs(p) - pointTsMs(bySeq[i - 1]!)] : []))
        .sort((a, b) => a - b);
      expect(pointTsMs(after) - pointTsMs(before)).toBeGreaterThan(3 * 0.9 * steps[steps.length >> 1]!);
    }
    const ooo = labels.filter((l) => l.kind === 'out_of_order');
    expect(ooo.length).toBeGreaterThan(0);
    for (const label of ooo) {
      const series = bySensor.get(`${label.cellId}/${label.tag}`)!;
      const index = series.findIndex((p) => p.seq === label.seq);
      expect(series.slice(0, index).some((p) => p.seq! > label.seq!)).toBe(true);
    }
  });

  it('shows a set point in the next emitted values', async () => {
    const potline = createPotline({
      lines: 1,
      cellsPerLine: 3,
      seed: 2,
      feederChokesPerCellDay: 0,
      lineRampsPerDay: 0,
    });
    const sink = memorySink();
    const clock = virtualClock(0);
    const run = runSimulator({ potline, sink, ratePerMin: 3000, clock, faults: NO_FAULTS });
    while (potline.nowMs() < Date.UTC(2025, 0, 1) + 20_000) await clock.sleepUntil(clock.nowMs() + 1);
    const beforeCount = sink.events.length;
    const cell = potline.cell('L1-C002')!;
    const beamBefore = cell.beamPositionCm;
    potline.applySetPoint('L1-C002', { acdCm: cell.acdTargetCm + 0.6 });
    const appliedAtMs = potline.nowMs();
    while (potline.nowMs() < appliedAtMs + 2000) await clock.sleepUntil(clock.nowMs() + 1);
    await run.stop();
    const later = points(sink.events.slice(beforeCount)).filter((p) => p.cellId === 'L1-C002');
    const beam = later.find((p) => p.tag === 'anodeBeamPosition')!;
    expect(beam.value).toBeCloseTo(beamBefore + 0.6, 2);
    const earlier = points(sink.events.slice(0, beforeCount)).filter(
      (p) => p.cellId === 'L1-C002' && p.tag === 'cellVoltage',
    );
    const voltageAfter = later.find((p) => p.tag === 'cellVoltage')!;
    expect(voltageAfter.value - earlier.at(-1)!.value).toBeGreaterThan(0.2);
    expect(run.labels.labels().some((l) => l.kind === 'setpoint_applied' && l.cellId === 'L1-C002')).toBe(true);
  });
});
