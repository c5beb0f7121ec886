import { describe, expect, it } from 'vitest';
import {
  createLabelRecorder,
  createPotline,
  memorySink,
  plantTagResolver,
  runSimulator,
  virtualClock,
  type Label,
} from '../../local/simulator/index.js';
import { newSensorStateStore } from './cleanse.js';
import type { FlagName } from './flags.js';
import { cleanseEvents } from './ingest.js';
import type { QuarantineRecord, SilverRow } from './records.js';

/**
 * Scores the cleansing rules against the plant simulator's ground truth: a seeded 20-cell line for 25 simulated
 * minutes with every fault kind at elevated rates and frequent anode effects.
 */
const START_MS = Date.UTC(2025, 0, 1);
const DURATION_S = 1500;
const EXPECTED_FLAGS: Partial<Record<string, FlagName[]>> = {
  spike: ['spike', 'rate_of_change', 'out_of_range'],
  stuck: ['stuck'],
  dropout: ['gap_before'],
  out_of_order: ['out_of_order'],
  wrong_unit: ['unit_converted'],
  bad_quality: ['bad_quality'],
};
/** Run length from which the stuck detector must fire (the catalogue's largest runLength). */
const STUCK_DETECTABLE_SAMPLES = 20;

async function simulateAndCleanse() {
  const potline = createPotline({ lines: 1, cellsPerLine: 20, seed: 3, startMs: START_MS, feederChokesPerCellDay: 40 });
  const sink = memorySink();
  const labels = createLabelRecorder();
  const faults = {
    spike: 0.005,
    stuck: 0.002,
    dropout: 0.003,
    duplicate: 0.005,
    out_of_order: 0.005,
    wrong_unit: 0.005,
    bad_quality: 0.005,
  };
  await runSimulator({
    potline,
    sink,
    ratePerMin: 20 * 8 * 60,
    durationS: DURATION_S,
    clock: virtualClock(START_MS),
    faults,
    labels,
  }).done;
  const enc = new TextEncoder();
  const sensors = newSensorStateStore(31);
  const settings = {
    TELEMETRY_HUB: 'h',
    TELEMETRY_CONSUMER_GROUP: 'g',
    CLEANSING_WINDOW: 31,
    INTERPOLATE_MAX_GAP_INTERVALS: 5,
    lateThresholdMs: 1e12,
  };
  const rows: SilverRow[] = [];
  const quarantine: QuarantineRecord[] = [];
  let pointsIn = 0;
  for (let i = 0, seq = 0; i < sink.events.length; i += 500) {
    const batch = sink.events.slice(i, i + 500).map((e) => ({
      body: enc.encode(e.body),
      partition: '0',
      sequenceNumber: seq++,
      enqueuedTimeUtc: new Date(START_MS),
    }));
    const c = cleanseEvents(batch, { sensors, settings, tags: plantTagResolver(potline.plant) });
    rows.push(...c.rows);
    quarantine.push(...c.quarantine);
    pointsIn += c.pointsIn;
  }
  return { rows, quarantine, pointsIn, labels: labels.labels() };
}

const key = (cellId: string | undefined, tag: string | undefined, seq: number | null | undefined) =>
  `${cellId}|${tag}|${seq}`;

describe('cleansing scored against the simulator labels', async () => {
  const { rows, quarantine, pointsIn, labels } = await simulateAndCleanse();
  const rowsBySeq = new Map<string, SilverRow[]>();
  for (const r of rows)
    if (r.seq !== null)
      rowsBySeq.set(key(r.cellId, r.tag, r.seq), [...(rowsBySeq.get(key(r.cellId, r.tag, r.seq)) ?? []), r]);
  const labelsOf = (kind: string) => labels.filter((l) => l.kind === kind);
  const flaggedAs = (l: Label, flags: FlagName[]) => {
    const last = (l.detail?.lastSeq as number | undefined) ?? l.seq!;
    for (let q = l.seq!; q <= last; q++)
      for (const r of rowsBySeq.get(key(l.cellId, l.tag, q)) ?? [])
        if (r.flags.some((f) => flags.includes(f))) return true;
    return false;
  };
  const quarantinedSeqs = (reason: string) =>
    new Set(
      quarantine
        .filter((q) => q.reason === reason)
        .map((q) => {
          const p = JSON.parse(q.raw) as { cellId?: string; tag?: string; seq?: number };
          return key(p.cellId, p.tag, p.seq);
        }),
    );

  it('every point ends in silver or quarantine', () => {
    expect(pointsIn).toBe(rows.filter((r) => !r.flags.includes('interpolated')).length + quarantine.length);
  });

  it.each(['spike', 'out_of_order', 'wrong_unit', 'bad_quality', 'dropout'])(
    'flags at least 99 percent of %s faults as the contract expects',
    (kind) => {
      const ls = labelsOf(kind);
      expect(ls.length).toBeGreaterThan(50);
      const hit = ls.filter((l) => flaggedAs(l, EXPECTED_FLAGS[kind]!)).length;
      expect(hit / ls.length).toBeGreaterThanOrEqual(0.99);
    },
  );

  it('flags every stuck run long enough to be seen', () => {
    const ls = labelsOf('stuck').filter((l) => (l.detail?.samples as number) >= STUCK_DETECTABLE_SAMPLES);
    expect(ls.length).toBeGreaterThan(20);
    expect(ls.filter((l) => !flaggedAs(l, ['stuck']))).toEqual([]);
  });

  it('converts wrong units to the true value', () => {
    for (const l of labelsOf('wrong_unit')) {
      const r = rowsBySeq.get(key(l.cellId, l.tag, l.seq))!.find((x) => x.flags.includes('unit_converted'))!;
      expect(r.value).toBeCloseTo(l.trueValue!, 6);
    }
  });

  it('quarantines duplicates as DUPLICATE and unknown tags as UNKNOWN_TAG, every one', () => {
    const dupes = quarantinedSeqs('DUPLICATE');
    expect(labelsOf('duplicate').filter((l) => !dupes.has(key(l.cellId, l.tag, l.seq)))).toEqual([]);
    const unknown = quarantinedSeqs('UNKNOWN_TAG');
    expect(labelsOf('unknown_tag').filter((l) => !unknown.has(key(l.cellId, l.tag, l.seq)))).toEqual([]);
  });

  it('quarantines every malformed and truncated body as MALFORMED_JSON', () => {
    const bodyFaults = labelsOf('malformed_json').length + labelsOf('truncated_batch').length;
    expect(bodyFaults).toBeGreaterThan(20);
    expect(quarantine.filter((q) => q.reason === 'MALFORMED_JSON').length).toBeGreaterThanOrEqual(bodyFaults);
  });

  it('raises fewer than 0.1 % false flags on fault-free points (anode effects included)', () => {
    const labelled = new Set<string>();
    for (const l of labels) {
      const last = (l.detail?.lastSeq as number | undefined) ?? l.seq;
      if (l.seq !== undefined) for (let q = l.seq; q <= (last ?? l.seq); q++) labelled.add(key(l.cellId, l.tag, q));
    }
    const measured = rows.filter((r) => r.seq !== null);
    const falseFlags = measured.filter(
      (r) => !labelled.has(key(r.cellId, r.tag, r.seq)) && r.flags.some((f) => f !== 'unit_converted'),
    );
    expect(labelsOf('anode_effect').length).toBeGreaterThan(0);
    expect(falseFlags.length / measured.length).toBeLessThan(0.001);
  });
});
