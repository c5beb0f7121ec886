import { describe, expect, it } from 'vitest';
import { newSensorStateStore } from './cleanse.js';
import type { IngestEvent } from './ingest.js';
import { LiveCells } from './live-cells.js';
import { tagResolverOf } from '../plant/tag-resolver.js';
import { TEST_PLANT } from '../plant/test-plant.js';

// The plant the lines belong to (the test plant: L1-L3, 100 cells each), as ingestion would resolve it.
const TAGS = tagResolverOf(TEST_PLANT);

const T0 = Date.UTC(2026, 10, 22, 10);
let seq = 0;
/** One Event Hub event carrying `points` as the plant sends them. */
function event(points: { cellId: string; tag: string; ts: number; value: number; unit: string }[]): IngestEvent {
  const body = points.map((p) => ({ lineId: p.cellId.slice(0, 2), quality: 'good', ...p }));
  return {
    body: new TextEncoder().encode(JSON.stringify(body)),
    partition: '0',
    sequenceNumber: seq++,
    enqueuedTimeUtc: new Date(body.at(-1)!.ts).toISOString(),
  };
}
const volts = (cellId: string, ts: number, value: number) => ({ cellId, tag: 'cellVoltage', ts, value, unit: 'V' });
const live = (minIntervalMs: number) =>
  new LiveCells({
    sensors: newSensorStateStore(31),
    settings: { CLEANSING_WINDOW: 31, INTERPOLATE_MAX_GAP_INTERVALS: 5 },
    minIntervalMs,
  });

describe('LiveCells: what the control room is pushed about cells', () => {
  it('hands out each changed cell with its latest good values, in canonical units', () => {
    const cells = live(1000);
    const out = cells.observe(
      [
        event([
          volts('L1-C001', T0, 4.3),
          volts('L1-C002', T0, 4.25),
          { ...volts('L1-C001', T0 + 1000, 4310), unit: 'mV' },
        ]),
      ],
      T0 + 1500,
      TAGS,
    );
    expect(out.map((d) => d.cellId)).toEqual(['L1-C001', 'L1-C002']);
    expect(out[0]!.tags.cellVoltage).toMatchObject({ ts: T0 + 1000, unit: 'V' });
    expect(out[0]!.tags.cellVoltage!.value).toBeCloseTo(4.31, 12);
  });

  it('hands a cell out at most once per interval; a change inside it comes with a later batch that lacks the cell', () => {
    const cells = live(1000);
    expect(cells.observe([event([volts('L1-C001', T0, 4.3)])], T0, TAGS)).toHaveLength(1);
    expect(cells.observe([event([volts('L1-C001', T0 + 400, 4.32)])], T0 + 400, TAGS)).toEqual([]);
    const later = cells.observe([event([volts('L1-C002', T0 + 1100, 4.2)])], T0 + 1100, TAGS);
    expect(later.map((d) => [d.cellId, d.tags.cellVoltage!.value])).toEqual([
      ['L1-C001', 4.32],
      ['L1-C002', 4.2],
    ]);
    // Nothing changed since: nothing to hand out, however much time passes.
    expect(cells.observe([], T0 + 5000, TAGS)).toEqual([]);
  });

  it('keeps what cleansing keeps out of the hot state away from the screen too (bad quality, a spike)', () => {
    const cells = live(0);
    const steady = Array.from({ length: 40 }, (_, i) => volts('L1-C003', T0 + i * 1000, 4.3 + (i % 3) * 0.01));
    cells.observe([event(steady)], T0 + 40_000, TAGS);
    const bad = { ...volts('L1-C003', T0 + 41_000, 4.9), quality: 'bad' };
    const spike = volts('L1-C003', T0 + 42_000, 6.5);
    const out = cells.observe([event([bad]), event([spike])], T0 + 42_500, TAGS);
    expect(out).toEqual([]);
    const next = cells.observe([event([volts('L1-C003', T0 + 43_000, 4.33)])], T0 + 43_500, TAGS);
    expect(next[0]!.tags.cellVoltage).toMatchObject({ value: 4.33, ts: T0 + 43_000 });
  });

  it('shows no equipment the plant model does not have: ingestion quarantines it, so the screen never holds it', () => {
    const cells = live(0);
    const out = cells.observe([event([volts('L1-C001', T0, 4.3), volts('L9-C001', T0, 4.3)])], T0 + 500, TAGS);
    expect(out.map((d) => d.cellId)).toEqual(['L1-C001']);
  });
});
