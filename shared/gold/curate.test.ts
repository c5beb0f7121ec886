import { describe, expect, it } from 'vitest';
import { listAll, MemoryLakeStore, type LakeStore } from '../lake/lake-store.js';
import { heldBatches } from '../telemetry/silver-hours.js';
import { mulberry32 } from '../telemetry/test-support.js';
import type { SilverRow } from '../telemetry/records.js';
import { curateRange } from './curate.js';
import { silverRow, testCurationConfig, writeBatch } from './fixtures.js';
import { parseManifest } from './lineage.js';
import { goldDataPath, goldLineagePath } from './paths.js';
import { decodeGoldTable, type GoldRow } from './table-io.js';
import { TAGS } from '../telemetry/tag-catalogue.js';
import { PlantIndex } from '../plant/plant-index.js';
import { parsePlantModel } from '../plant/plant-model.js';
import { testPlantWith } from '../plant/test-plant.js';

const plantOf = (lines: Record<string, number>) => new PlantIndex(testPlantWith(lines));

const T10 = Date.parse('2026-11-22T10:00:00Z');
const HOUR = 3_600_000;

/** Seeded readings of two cells and the line sensor over [fromMs, fromMs + minutes), some flagged as spikes. */
function readings(fromMs: number, minutes: number, seed: number): SilverRow[] {
  const rnd = mulberry32(seed);
  const rows: SilverRow[] = [];
  for (let s = 0; s < minutes * 60; s += 5) {
    const ts = fromMs + s * 1000 + Math.floor(rnd() * 1000);
    rows.push(silverRow('L1', 'L1-LINE', 'lineCurrent', ts, 126 + rnd()));
    for (const cell of ['L1-C001', 'L1-C002']) {
      rows.push(silverRow('L1', cell, 'cellVoltage', ts, 4.2 + 0.1 * rnd(), rnd() < 0.03 ? ['spike'] : []));
      rows.push(silverRow('L1', cell, 'bathTemp', ts, 960 + 3 * rnd()));
    }
  }
  return rows;
}

/** Writes rows as shuffled batches of random size over four partitions (out of order, as the hub delivers them). */
async function ingest(lake: LakeStore, rows: SilverRow[], seed: number, seqBase = 0): Promise<void> {
  const rnd = mulberry32(seed);
  const shuffled = [...rows].sort(() => rnd() - 0.5);
  let seq = seqBase;
  for (let i = 0; i < shuffled.length;) {
    const n = 1 + Math.floor(rnd() * 400);
    await writeBatch(lake, String(Math.floor(rnd() * 4)), seq, seq + n - 1, shuffled.slice(i, i + n));
    seq += n;
    i += n;
  }
}

async function goldRows(lake: LakeStore, table: string, key: Parameters<typeof goldDataPath>[1]): Promise<GoldRow[]> {
  const bytes = await lake.get('gold', goldDataPath(table, key));
  return bytes ? decodeGoldTable(bytes) : [];
}

async function snapshot(lake: LakeStore): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const e of await listAll(lake, 'gold', ''))
    if (!e.path.startsWith('telemetry_minute/')) out.set(e.path, (await lake.get('gold', e.path))!);
  return out;
}

describe('gold curation', () => {
  it('merges partials exactly: count, sum, min, max and variance equal a direct computation over the points', async () => {
    const lake = new MemoryLakeStore();
    const rows = readings(T10, 60, 1);
    await ingest(lake, rows, 2);
    await curateRange(lake, { fromMs: T10, toMs: T10 + HOUR }, testCurationConfig());
    const facts = await goldRows(lake, 'fact_cell_minute', { date: '2026-11-22', lineId: 'L1', hour: 10 });
    const direct = new Map<string, number[]>();
    for (const r of rows) {
      if (r.flags.includes('spike')) continue;
      const k = `${r.cellId}|${r.tag}|${Math.floor(r.tsMs / 60_000) * 60_000}`;
      direct.set(k, [...(direct.get(k) ?? []), r.value]);
    }
    expect(facts.length).toBe(direct.size);
    for (const f of facts) {
      const v = direct.get(`${f.cellId}|${f.tag}|${f.minuteStartMs}`)!;
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
      expect(f.count).toBe(v.length);
      expect(f.sum as number).toBeCloseTo(
        v.reduce((a, b) => a + b, 0),
        9,
      );
      expect(f.min).toBe(Math.min(...v));
      expect(f.max).toBe(Math.max(...v));
      expect(f.variance as number).toBeCloseTo(variance, 6);
      expect(f.partials as number).toBeGreaterThanOrEqual(1);
    }
    expect(facts.some((f) => (f.partials as number) > 1)).toBe(true);
  });

  it('running twice changes nothing: every gold file byte-identical and none rewritten', async () => {
    const lake = new MemoryLakeStore();
    await ingest(lake, readings(T10, 120, 3), 4);
    const first = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + 2 * HOUR },
      testCurationConfig('2026-11-22T12:05:00Z'),
    );
    expect(first.curated.length).toBe(2);
    const before = await snapshot(lake);
    const second = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + 2 * HOUR },
      testCurationConfig('2026-11-22T13:05:00Z'),
    );
    expect(second.curated.length).toBe(0);
    expect(second.skippedHours).toBe(2);
    expect(second.filesWritten).toBe(0);
    const after = await snapshot(lake);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [path, bytes] of before)
      expect(Buffer.from(after.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
    // Forced re-curation computes everything again and still writes the same bytes.
    const forced = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + 2 * HOUR },
      testCurationConfig('2026-11-22T14:05:00Z', true),
    );
    expect(forced.curated.length).toBe(2);
    expect(forced.filesWritten).toBe(0);
  });

  it('late data lands in its hour: only that hour is curated again and its lineage names the late batch', async () => {
    const lake = new MemoryLakeStore();
    await ingest(lake, readings(T10, 120, 5), 6);
    await curateRange(lake, { fromMs: T10, toMs: T10 + 2 * HOUR }, testCurationConfig());
    const key10 = { date: '2026-11-22', lineId: 'L1', hour: 10 };
    const countAt = async (hour: number) =>
      (await goldRows(lake, 'fact_cell_minute', { ...key10, hour })).filter(
        (r) => r.cellId === 'L1-C001' && r.tag === 'cellVoltage' && r.timeKey === 10 * 60 + 30,
      )[0]!.count as number;
    const before10 = await countAt(10);
    const before11 = await goldRows(lake, 'fact_cell_minute', { ...key10, hour: 11 });

    const late = silverRow('L1', 'L1-C001', 'cellVoltage', T10 + 30 * 60_000 + 500, 4.25);
    await writeBatch(lake, '2', 900_000, 900_000, [late]);
    const run = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + 2 * HOUR },
      testCurationConfig('2026-11-22T13:00:00Z'),
    );

    expect(run.curated.map((c) => c.hour)).toEqual([10]);
    expect(run.skippedHours).toBe(1);
    expect(await countAt(10)).toBe(before10 + 1);
    expect(await goldRows(lake, 'fact_cell_minute', { ...key10, hour: 11 })).toEqual(before11);
    const manifest = parseManifest('m', (await lake.get('gold', goldLineagePath('fact_cell_minute', key10)))!);
    const lateInput = manifest.inputs.find(
      (i) => i.path.endsWith('/p=2/900000-900000.parquet') && i.role === 'minute_partial',
    );
    expect(lateInput?.hours).toEqual([10]);
    expect(lateInput?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Silver of the hour is one compacted file again, and it holds the late batch.
    const silverInputs = manifest.inputs.filter((i) => i.role === 'silver').map((i) => i.path);
    expect(silverInputs).toEqual(['telemetry/date=2026-11-22/line=L1/hour=10/compacted.parquet']);
    expect(heldBatches((await lake.get('silver', silverInputs[0]!))!).has('2:900000-900000')).toBe(true);
    expect(manifest.codeVersion).toBe('0.1.0');
    // The cell-hour and line-day facts follow the late point.
    const hour10 = (await goldRows(lake, 'fact_cell_hour', { date: '2026-11-22', lineId: 'L1' })).filter(
      (r) => r.hour === 10 && r.cellId === 'L1-C001',
    )[0]!;
    expect(hour10.readingsTotal).toBeGreaterThan(0);
  });

  it('counts a sustained anode effect once, with its minutes, and carries it across the hour boundary', async () => {
    const lake = new MemoryLakeStore();
    const rows: SilverRow[] = [];
    for (let s = 0; s < 7200; s++) {
      const ts = T10 + s * 1000;
      rows.push(silverRow('L1', 'L1-LINE', 'lineCurrent', ts, 126));
      // Anode effect from 10:59:00 to 11:01:30 (150 s) at 35 V.
      const ae = s >= 59 * 60 && s < 61 * 60 + 30;
      rows.push(silverRow('L1', 'L1-C001', 'cellVoltage', ts, ae ? 35 : 4.2));
    }
    await ingest(lake, rows, 7);
    await curateRange(lake, { fromMs: T10, toMs: T10 + 2 * HOUR }, testCurationConfig());
    const hours = await goldRows(lake, 'fact_cell_hour', { date: '2026-11-22', lineId: 'L1' });
    const h10 = hours.find((r) => r.hour === 10)!;
    const h11 = hours.find((r) => r.hour === 11)!;
    expect(h10.anodeEffectCount).toBe(1);
    expect(h10.anodeEffectMinutes as number).toBeCloseTo(1, 9);
    expect(h11.anodeEffectCount).toBe(0);
    expect(h11.anodeEffectMinutes as number).toBeCloseTo(1.5, 9);
    // Energy: 4.2 V · 126 kA over the normal minutes plus 35 V over the AE time; production by Faraday for 60 min.
    expect(h10.productionEstKg as number).toBeCloseTo(0.33557 * 126 * 0.945, 6);
    const day = (await goldRows(lake, 'fact_line_day', { date: '2026-11-22', lineId: 'L1' }))[0]!;
    expect(day.anodeEffectCount).toBe(1);
    expect(day.anodeEffectMinutes as number).toBeCloseTo(2.5, 9);
    expect(day.cellDays as number).toBeCloseTo(120 / 1440, 12);
    expect(day.aePerPotDay as number).toBeCloseTo(1 / (120 / 1440), 9);
  });

  it('writes the dimensions, and no event-fact partition for a day without plant events', async () => {
    const lake = new MemoryLakeStore();
    await ingest(lake, readings(T10, 10, 8), 9);
    await curateRange(lake, { fromMs: T10, toMs: T10 + HOUR }, testCurationConfig());
    for (const t of ['fact_plant_event', 'fact_setpoint_change', 'fact_alert', 'fact_optimization_run'])
      expect(await listAll(lake, 'gold', `${t}/`), t).toEqual([]);
    expect((await goldRows(lake, 'dim_date', {})).length).toBe(365);
    expect((await goldRows(lake, 'dim_time', {})).length).toBe(1440);
    expect((await goldRows(lake, 'dim_tag', {})).length).toBe(TAGS.length);
  });

  it('writes site, area, line and cell dimensions from the plant model with ISA-95 paths, keeping cells history knows', async () => {
    const lake = new MemoryLakeStore();
    await ingest(lake, readings(T10, 10, 8), 9);
    // A first model with three cells on L1, then one with two: L1-C003 leaves the model but keeps its row.
    await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + HOUR },
      testCurationConfig(undefined, false, plantOf({ L1: 3 })),
    );
    const plant = plantOf({ L1: 2, L2: 1 });
    await curateRange(lake, { fromMs: T10, toMs: T10 + HOUR }, testCurationConfig(undefined, true, plant));
    const { enterprise, site, areas } = plant.model;
    expect(await goldRows(lake, 'dim_site', {})).toEqual([
      {
        siteId: site.id,
        siteName: site.name,
        enterpriseId: enterprise.id,
        enterpriseName: enterprise.name,
        isa95Path: `${enterprise.id}/${site.id}`,
        plantModelVersion: plant.version,
      },
    ]);
    const area = areas[0]!.areaId;
    expect(await goldRows(lake, 'dim_area', {})).toEqual([
      { areaId: area, areaName: areas[0]!.name, siteId: site.id, isa95Path: `${enterprise.id}/${site.id}/${area}` },
    ]);
    const linePath = `${enterprise.id}/${site.id}/${area}/L1`;
    const cells = await goldRows(lake, 'dim_cell', {});
    expect(cells.map((c) => [c.cellId, c.potRow, c.potColumn, c.potroomSide, c.isa95Path, c.inPlantModel])).toEqual([
      ['L1-C001', 1, 1, 'A', `${linePath}/L1-C001`, true],
      ['L1-C002', 1, 1, 'B', `${linePath}/L1-C002`, true],
      ['L1-C003', null, null, null, `${linePath}/L1-C003`, false],
      ['L1-LINE', null, null, null, `${linePath}/L1-LINE`, true],
      ['L2-C001', 1, 1, 'A', `${enterprise.id}/${site.id}/${area}/L2/L2-C001`, true],
      ['L2-LINE', null, null, null, `${enterprise.id}/${site.id}/${area}/L2/L2-LINE`, true],
    ]);
    const technology = plant.line('L1')!.technology;
    expect(await goldRows(lake, 'dim_line', {})).toEqual([
      {
        lineId: 'L1',
        plantId: 'plant-01',
        cells: 2,
        lineName: 'Line L1',
        areaId: area,
        technology: plant.line('L1')!.line.technology,
        technologyName: technology.name,
        nominalCurrentKA: technology.nominalCurrentKA,
        isa95Path: linePath,
        inPlantModel: true,
      },
      expect.objectContaining({ lineId: 'L2', cells: 1, inPlantModel: true }),
    ]);
  });

  it("computes each line's KPIs with its technology's design, and leaves a line the plant model lacks uncurated", async () => {
    const lake = new MemoryLakeStore();
    await ingest(lake, readings(T10, 10, 8), 9);
    const elsewhere = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + HOUR },
      testCurationConfig(undefined, false, plantOf({ L2: 2 })),
    );
    expect(elsewhere.linesNotInPlant).toEqual(['L1']);
    expect(elsewhere.curated).toEqual([]);
    expect(await listAll(lake, 'gold', 'fact_cell_hour/')).toEqual([]);

    // The same line on a technology of a lower design current efficiency: its KPIs and baseline use that design.
    const model = structuredClone(plantOf({ L1: 2 }).model);
    const technology = Object.values(model.technologies)[0]!;
    technology.currentEfficiency = 0.9;
    const summary = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + HOUR },
      testCurationConfig(undefined, false, new PlantIndex(parsePlantModel(model))),
    );
    expect(summary.linesNotInPlant).toEqual([]);
    const day = (await goldRows(lake, 'fact_line_day', { date: '2026-11-22', lineId: 'L1' }))[0]!;
    // Baseline: 0.33557 kg/kAh × nominal current × 0.9 × 24 h per cell-day.
    expect((day.baselineProductionT as number) / (day.cellDays as number)).toBeCloseTo(
      (0.33557 * technology.nominalCurrentKA * 0.9 * 24) / 1000,
      9,
    );
    const dayKey = { date: '2026-11-22', lineId: 'L1' };
    const manifest = parseManifest('m', (await lake.get('gold', goldLineagePath('fact_line_day', dayKey)))!);
    expect(manifest.parameters).toMatchObject({ currentEfficiency: 0.9, anodeEffectThresholdV: 8 });
  });
});
