import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonl } from '../lake/jsonl.js';
import { listAll, MemoryLakeStore } from '../lake/lake-store.js';
import { decodeSilver } from './telemetry-tables.js';
import { newSensorStateStore } from './cleanse.js';
import { MemoryHotStateStore } from './hot-state.js';
import { ingestBatch, type IngestDeps, type IngestEvent } from './ingest.js';
import type { QuarantineRecord } from './records.js';
import { tagResolverOf } from '../plant/tag-resolver.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { PlantIndex } from '../plant/plant-index.js';
import { parsePlantModel } from '../plant/plant-model.js';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const settings = {
  TELEMETRY_HUB: 'telemetry',
  TELEMETRY_CONSUMER_GROUP: 'ingest',
  CLEANSING_WINDOW: 31,
  INTERPOLATE_MAX_GAP_INTERVALS: 5,
};
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const enc = new TextEncoder();

function deps(): IngestDeps & { lake: MemoryLakeStore; hotState: MemoryHotStateStore } {
  return {
    lake: new MemoryLakeStore(),
    hotState: new MemoryHotStateStore(),
    sensors: newSensorStateStore(31),
    settings,
    tags: tagResolverOf(TEST_PLANT),
    log: quiet,
    now: () => T0 + 5_000,
  };
}
const point = (cell: number, i: number, extra: Record<string, unknown> = {}) => ({
  lineId: 'L1',
  cellId: `L1-C00${cell}`,
  tag: 'cellVoltage',
  ts: T0 + i * 1000,
  value: 4.3 + (i % 3) * 0.01,
  unit: 'V',
  quality: 'good',
  seq: i,
  ...extra,
});
const event = (seq: number, body: unknown, partition = '0'): IngestEvent => ({
  body: body instanceof Uint8Array ? body : enc.encode(JSON.stringify(body)),
  partition,
  sequenceNumber: seq,
  enqueuedTimeUtc: new Date(T0 + seq),
});

async function silverRows(lake: MemoryLakeStore) {
  const rows = [];
  for (const e of await listAll(lake, 'silver', 'telemetry/'))
    rows.push(...(await decodeSilver((await lake.get('silver', e.path))!)));
  return rows;
}
async function quarantined(lake: MemoryLakeStore) {
  const out: QuarantineRecord[] = [];
  for (const e of await listAll(lake, 'quarantine', 'telemetry/'))
    out.push(...decodeJsonl<QuarantineRecord>((await lake.get('quarantine', e.path))!));
  return out;
}

describe('ingestBatch', () => {
  it('writes bronze, silver, quarantine and gold under partition + sequence range, and the cell state once', async () => {
    const d = deps();
    const events = [
      event(10, [point(1, 0), point(2, 0)]),
      event(11, { points: [point(1, 1), { ...point(1, 2), tag: 'mystery' }] }),
      event(12, enc.encode('{"broken')),
    ];
    const s = await ingestBatch(events, d);
    expect(s.pointsIn).toBe(5);
    expect(s.silverRows).toBe(3);
    expect(s.quarantinedByReason).toEqual({ UNKNOWN_TAG: 1, MALFORMED_JSON: 1 });
    expect(s.files.sort()).toEqual([
      'bronze/telemetry/ingest_date=2024-06-01/hour=12/p=0/10-12.jsonl.gz',
      'gold/data_quality_batch/date=2024-06-01/p=0/10-12.parquet',
      'gold/telemetry_minute/date=2024-06-01/line=L1/p=0/10-12.parquet',
      'quarantine/telemetry/date=2024-06-01/p=0/10-12.jsonl',
      'silver/telemetry/date=2024-06-01/line=L1/hour=12/batch-0-10-12.parquet',
    ]);
    expect((await quarantined(d.lake)).map((q) => [q.reason, q.sequenceNumber, q.pointIndex])).toEqual([
      ['UNKNOWN_TAG', 11, 1],
      ['MALFORMED_JSON', 12, undefined],
    ]);
    expect(d.hotState.writes).toBe(2);
    expect(d.hotState.docs.get('L1-C001')!.tags.cellVoltage!.ts).toBe(T0 + 1000);
    expect(s.enqueueToWrittenMs).toHaveLength(3);
  });

  it('quarantines telemetry of a line or cell the plant model lacks as UNKNOWN_EQUIPMENT, and never makes a line of it', async () => {
    const d = deps();
    const s = await ingestBatch(
      [
        event(20, [
          point(1, 0),
          { ...point(1, 0), lineId: 'L9', cellId: 'L9-C001' },
          { ...point(1, 0), cellId: 'L1-C999' },
          { ...point(1, 0), lineId: 'L9', cellId: 'L9-LINE', tag: 'lineCurrent', value: 126, unit: 'kA' },
          { ...point(1, 0), cellId: 'L1-LINE', tag: 'lineCurrent', value: 126, unit: 'kA' },
        ]),
      ],
      d,
    );
    expect(s.quarantinedByReason).toEqual({ UNKNOWN_EQUIPMENT: 3 });
    expect((await quarantined(d.lake)).map((q) => [q.field, JSON.parse(q.raw).cellId, q.detail])).toEqual([
      ['lineId', 'L9-C001', expect.stringMatching(/^line L9 \(cell L9-C001\) is not in the plant model \(version /)],
      ['cellId', 'L1-C999', expect.stringMatching(/^cell L1-C999 is not a cell of line L1 in the plant model/)],
      ['lineId', 'L9-LINE', expect.stringMatching(/^line L9 is not in the plant model/)],
    ]);
    expect((await silverRows(d.lake)).map((r) => r.cellId).sort()).toEqual(['L1-C001', 'L1-LINE']);
    const paths = [...(await listAll(d.lake, 'silver', '')), ...(await listAll(d.lake, 'gold', ''))].map((e) => e.path);
    expect(paths.some((p) => p.includes('line=L9'))).toBe(false);
    expect(await d.hotState.activeLines(0)).toEqual(['L1']);
  });

  it("reads a line's own tag names through its tag map: canonical tag, the plant's unit, the line's range", async () => {
    const model = structuredClone(TEST_PLANT.model);
    model.areas[0]!.lines[0]!.tagMap = [{ plantTag: 'POT_VOLTAGE_MV', tag: 'cellVoltage', unit: 'mV', maxValue: 10 }];
    const d = { ...deps(), tags: tagResolverOf(new PlantIndex(parsePlantModel(model))) };
    const s = await ingestBatch(
      [
        event(30, [
          point(1, 0, { tag: 'POT_VOLTAGE_MV', value: 4310, unit: 'mV' }),
          point(1, 1, { tag: 'POT_VOLTAGE_MV', value: 12_000, unit: 'mV' }),
          point(1, 2, { tag: 'cellVoltage', value: 4.32, unit: 'V' }),
          // L2 has no such tag in its map: its sources must use the canonical names.
          point(1, 0, { lineId: 'L2', cellId: 'L2-C001', tag: 'POT_VOLTAGE_MV', value: 4310, unit: 'mV' }),
        ]),
      ],
      d,
    );
    expect(s.quarantinedByReason).toEqual({ UNKNOWN_TAG: 1 });
    const rows = (await silverRows(d.lake)).sort((a, b) => a.tsMs - b.tsMs);
    expect(rows.map((r) => [r.tag, r.value, r.rawUnit, r.flags.includes('out_of_range')])).toEqual([
      ['cellVoltage', expect.closeTo(4.31, 9), 'mV', false],
      // 12 V is inside the catalogue's 0–80 V but outside this line's 10 V.
      ['cellVoltage', 12, 'mV', true],
      ['cellVoltage', 4.32, 'V', false],
    ]);
    expect(d.hotState.docs.get('L1-C001')!.tags.cellVoltage!.value).toBe(4.32);
  });

  it('places rows by event time: sorted within a file, partitioned by event date and hour', async () => {
    const d = deps();
    const late = { ...point(1, 0), ts: T0 - 13 * 3_600_000 };
    await ingestBatch([event(1, [point(1, 5), point(1, 3), late])], d);
    const files = (await listAll(d.lake, 'silver', '')).map((e) => e.path);
    expect(files).toEqual([
      'telemetry/date=2024-05-31/line=L1/hour=23/batch-0-1-1.parquet',
      'telemetry/date=2024-06-01/line=L1/hour=12/batch-0-1-1.parquet',
    ]);
    const rows = await decodeSilver((await d.lake.get('silver', files[1]!))!);
    expect(rows.map((r) => r.tsMs)).toEqual([T0 + 3000, T0 + 5000]);
    expect(rows[0]!.flags).toContain('out_of_order');
  });

  it('silver holds each point exactly once when a batch is redelivered with more events appended', async () => {
    const d = deps();
    const evs = Array.from({ length: 20 }, (_, i) => event(100 + i, [point(1, i), point(2, i)]));
    await ingestBatch(evs.slice(0, 10), d);
    await ingestBatch(evs.slice(0, 15), d); // redelivery of 100-109 with 110-114 appended
    await ingestBatch(evs.slice(15), d);
    const rows = await silverRows(d.lake);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => `${r.cellId}|${r.tsMs}`)).size).toBe(40);
    expect(await quarantined(d.lake)).toEqual([]);
    expect((await listAll(d.lake, 'silver', '')).map((e) => e.path.split('/').pop())).toEqual([
      'batch-0-100-109.parquet',
      'batch-0-110-114.parquet',
      'batch-0-115-119.parquet',
    ]);
  });

  it('quarantines duplicates within and across batches', async () => {
    const d = deps();
    await ingestBatch([event(1, [point(1, 0), point(1, 0)])], d);
    await ingestBatch([event(2, [point(1, 0)])], d);
    expect((await quarantined(d.lake)).map((q) => q.reason)).toEqual(['DUPLICATE', 'DUPLICATE']);
    expect(await silverRows(d.lake)).toHaveLength(1);
  });

  it('never throws on arbitrary bodies and conserves count: points in = silver (measured) + quarantined', async () => {
    const pointish = fc.record(
      {
        lineId: fc.constantFrom('L1', 'L2', 'Q'),
        cellId: fc.constantFrom('L1-C001', 'L1-C002', 'L2-C001', 'L1-LINE'),
        tag: fc.constantFrom('cellVoltage', 'bathTemp', 'aluminaFeed', 'lineCurrent', 'nope'),
        ts: fc.oneof(fc.integer({ min: T0, max: T0 + 600_000 }), fc.constant('2024-06-01T12:00:00Z'), fc.string()),
        value: fc.oneof(fc.double({ min: -1e6, max: 1e6 }), fc.double(), fc.string()),
        unit: fc.constantFrom('V', 'mV', 'degC', 'degF', 'K', 'kA', 'A', 'kg', '?'),
        quality: fc.oneof(fc.constantFrom('good', 'bad', 'uncertain', 'meh', 192, 0, 64), fc.integer()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.jsonValue().map((v) => enc.encode(JSON.stringify(v) ?? '')),
      fc.array(pointish, { maxLength: 30 }).map((v) => enc.encode(JSON.stringify(v))),
      fc.array(pointish, { maxLength: 30 }).map((v) => enc.encode(JSON.stringify({ points: v }).slice(0, -3))),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 8 }), async (bodies) => {
        const d = deps();
        const s = await ingestBatch(
          bodies.map((b, i) => event(i, b)),
          d,
        );
        const rows = await silverRows(d.lake);
        const q = await quarantined(d.lake);
        const measured = rows.filter((r) => !r.flags.includes('interpolated')).length;
        expect(s.pointsIn).toBe(measured + q.length);
        for (const r of q) expect(r.reason).toBeTruthy();
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
