/**
 * Hostile bodies in a batch of good ones: whatever one producer sends, every other point of the batch reaches silver,
 * the bad input is quarantined with a reason, and the batch never fails (a failed batch is retried, then skipped,
 * taking every producer's points with it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonl } from '../lake/jsonl.js';
import { listAll, MemoryLakeStore } from '../lake/lake-store.js';
import { newSensorStateStore } from './cleanse.js';
import { MemoryHotStateStore } from './hot-state.js';
import { ingestBatch, type IngestDeps, type IngestEvent } from './ingest.js';
import { QUARANTINE_REASONS, type QuarantineRecord } from './records.js';
import { decodeSilver } from './telemetry-tables.js';
import { tagResolverOf } from '../plant/tag-resolver.js';
import { TEST_PLANT } from '../plant/test-plant.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
/** Every event of these batches is enqueued a minute after T0. */
const ENQUEUED = T0 + 60_000;
const SKEW_S = 300;
const EPOCH = Date.UTC(2020, 0, 1);
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const enc = new TextEncoder();

function deps(): IngestDeps & { lake: MemoryLakeStore; hotState: MemoryHotStateStore } {
  return {
    lake: new MemoryLakeStore(),
    hotState: new MemoryHotStateStore(),
    sensors: newSensorStateStore(31),
    settings: {
      TELEMETRY_HUB: 'telemetry',
      TELEMETRY_CONSUMER_GROUP: 'ingest',
      CLEANSING_WINDOW: 31,
      INTERPOLATE_MAX_GAP_INTERVALS: 5,
      TELEMETRY_MAX_FUTURE_SKEW_S: SKEW_S,
      PLANT_EPOCH: EPOCH,
    },
    tags: tagResolverOf(TEST_PLANT),
    log: quiet,
    now: () => ENQUEUED + 2_000,
  };
}

/** A good reading of a cell of line L1, the k-th of its sensor (one a second from T0). */
const good = (cell: number, k: number) => ({
  lineId: 'L1',
  cellId: `L1-C${String(cell).padStart(3, '0')}`,
  tag: 'cellVoltage',
  ts: T0 + k * 1000,
  value: 4.3 + (k % 3) * 0.01,
  unit: 'V',
  quality: 'good',
  seq: k,
});
const event = (seq: number, body: Uint8Array | string): IngestEvent => ({
  body: typeof body === 'string' ? enc.encode(body) : body,
  partition: '0',
  sequenceNumber: seq,
  enqueuedTimeUtc: new Date(ENQUEUED),
});

async function silver(lake: MemoryLakeStore) {
  const rows = [];
  for (const e of await listAll(lake, 'silver', 'telemetry/'))
    rows.push(...(await decodeSilver((await lake.get('silver', e.path))!)));
  return rows;
}
async function quarantine(lake: MemoryLakeStore) {
  const out: QuarantineRecord[] = [];
  for (const e of await listAll(lake, 'quarantine', 'telemetry/'))
    out.push(...decodeJsonl<QuarantineRecord>((await lake.get('quarantine', e.path))!));
  return out;
}

/** A point nested `depth` levels deep, as the body that once overflowed the stack and failed whole batches. */
const nested = (depth: number) => `${'{"p":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('ingest under hostile input', () => {
  it('keeps every good point of a batch when one body nests 5,000 levels deep; the deep body alone is quarantined', async () => {
    const d = deps();
    const producers = [1, 2, 3].map((cell) => Array.from({ length: 20 }, (_, k) => good(cell, k)));
    const events = [
      event(40, JSON.stringify(producers[0])),
      event(41, `[${JSON.stringify(good(4, 0))},${nested(5000)}]`),
      event(42, JSON.stringify({ points: producers[1] })),
      event(43, nested(5000)),
      event(44, JSON.stringify(producers[2])),
    ];
    // Resolving is what matters to the host: a thrown batch would be retried and, after the retries, skipped.
    const summary = await ingestBatch(events, d);
    const rows = await silver(d.lake);
    const expected = producers.flat().map((p) => `${p.cellId}@${p.ts}`);
    expect(rows.map((r) => `${r.cellId}@${r.tsMs}`).sort()).toEqual(expected.sort());
    // A body is one producer's event: it is kept whole, byte for byte, for that producer to be found and fixed.
    const q = await quarantine(d.lake);
    expect(
      q.map((r) => [
        r.reason,
        r.sequenceNumber,
        r.raw === new TextDecoder().decode(events[r.sequenceNumber - 40]!.body),
      ]),
    ).toEqual([
      ['TOO_DEEP', 41, true],
      ['TOO_DEEP', 43, true],
    ]);
    expect(summary.quarantinedByReason).toEqual({ TOO_DEEP: 2 });
    expect(d.hotState.docs.get('L1-C003')!.tags.cellVoltage!.ts).toBe(T0 + 19_000);
  });

  it('never throws, never loses a good point of the batch, and quarantines each bad input with a reason (property)', async () => {
    const deep = fc
      .integer({ min: 17, max: 6000 })
      .chain((depth) =>
        fc.constantFrom(
          nested(depth),
          `${'['.repeat(depth)}${']'.repeat(depth)}`,
          `[${JSON.stringify(good(9, 0))},${'['.repeat(depth)}1${']'.repeat(depth)}]`,
        ),
      );
    const wide = fc.constantFrom(
      JSON.stringify(new Array(10_001).fill(0)),
      `{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":1`).join(',')}}`,
      JSON.stringify([{ ...good(9, 1), extra: new Array(10_001).fill('x') }]),
    );
    // Any timestamp: real and impossible calendar dates, epoch ms far and near, the future and the distant past.
    const anyTs = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: T0 - 86_400_000, max: T0 + 86_400_000 }),
      fc.date({ noInvalidDate: true }).map((x) => x.toISOString()),
      fc
        .tuple(fc.integer({ min: 1960, max: 2200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 28, max: 31 }))
        .map(([y, m, day]) => `${y}-${String(m).padStart(2, '0')}-${day}T10:00:00Z`),
      fc.string(),
    );
    // Timestamp-hostile points go to line L2's cells, so a valid one can never collide with a good point's sensor.
    const timed = fc
      .array(
        fc.record({ cell: fc.integer({ min: 1, max: 3 }), ts: anyTs }).map(({ cell, ts }) => ({
          ...good(cell, 0),
          lineId: 'L2',
          cellId: `L2-C00${cell}`,
          ts,
        })),
        { minLength: 1, maxLength: 10 },
      )
      .map((points) => JSON.stringify(points));
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      deep,
      wide,
      timed,
      fc.jsonValue({ depthSize: 'large' }).map((v) => JSON.stringify(v) ?? ''),
    );
    // Good bodies: each of cells 1–3 sends its next readings in order; hostile bodies sit anywhere between them.
    const batch = fc.array(fc.oneof(fc.constant('good' as const), hostile), { minLength: 1, maxLength: 10 });

    await fc.assert(
      fc.asyncProperty(batch, async (plan) => {
        const d = deps();
        const next = [0, 0, 0];
        const goodKeys: string[] = [];
        const events = plan.map((item, i) => {
          if (item !== 'good') return event(i, item);
          const cell = (i % 3) + 1;
          const points = Array.from({ length: 3 }, () => good(cell, next[cell - 1]!++));
          goodKeys.push(...points.map((p) => `${p.cellId}@${p.ts}`));
          return event(i, JSON.stringify(points));
        });
        const summary = await ingestBatch(events, d);
        const rows = (await silver(d.lake)).filter((r) => !r.flags.includes('interpolated'));
        const q = await quarantine(d.lake);
        const inSilver = new Set(rows.map((r) => `${r.cellId}@${r.tsMs}`));
        for (const k of goodKeys) expect(inSilver.has(k), k).toBe(true);
        for (const r of q) {
          expect(QUARANTINE_REASONS).toContain(r.reason);
          expect(r.detail.length).toBeGreaterThan(0);
        }
        expect(summary.pointsIn).toBe(rows.length + q.length);
        // No silver row (so no latest value) is dated outside the event-time window.
        for (const r of rows) {
          expect(r.tsMs).toBeLessThanOrEqual(ENQUEUED + SKEW_S * 1000);
          expect(r.tsMs).toBeGreaterThanOrEqual(EPOCH);
        }
      }),
      { numRuns: 60, seed: 20_261_122 },
    );
  });
});
