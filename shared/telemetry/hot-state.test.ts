import { describe, expect, it } from 'vitest';
import { HotStateCache, MemoryHotStateStore } from './hot-state.js';
import type { SilverRow } from './records.js';

const row = (cellId: string, tag: string, tsMs: number, value: number, flags: SilverRow['flags'] = []): SilverRow => ({
  lineId: 'L1',
  cellId,
  tag,
  tsMs,
  value,
  unit: 'V',
  rawValue: value,
  rawUnit: 'V',
  quality: 'good',
  flags,
  seq: null,
  partition: '0',
  sequenceNumber: 0,
  enqueuedMs: tsMs,
});

describe('HotStateCache', () => {
  it('keeps the latest good value per tag and ignores values excluded from gold', async () => {
    const store = new MemoryHotStateStore();
    const cache = new HotStateCache(store);
    await cache.applyBatch(
      [
        row('L1-C001', 'cellVoltage', 1000, 4.3),
        row('L1-C001', 'cellVoltage', 2000, 4.4),
        row('L1-C001', 'cellVoltage', 3000, 40, ['spike']),
      ],
      5000,
    );
    expect((await store.getCell('L1-C001'))!.tags.cellVoltage).toMatchObject({ value: 4.4, ts: 2000 });
  });

  it('writes a cell at most once per interval, and flushes a quiet cell on the next batch after it', async () => {
    const store = new MemoryHotStateStore();
    const cache = new HotStateCache(store, 2000);
    expect(await cache.applyBatch([row('L1-C001', 'cellVoltage', 1000, 4.3)], 10_000)).toBe(1);
    expect(await cache.applyBatch([row('L1-C001', 'cellVoltage', 1500, 4.5)], 10_500)).toBe(0);
    expect((await store.getCell('L1-C001'))!.tags.cellVoltage!.value).toBe(4.3);
    // A batch without that cell, after the interval: the pending value is written anyway.
    expect(await cache.applyBatch([row('L1-C002', 'cellVoltage', 1600, 4.1)], 12_100)).toBe(2);
    expect((await store.getCell('L1-C001'))!.tags.cellVoltage!.value).toBe(4.5);
    expect(store.writes).toBe(3);
  });

  it('does not rewrite a cell whose values did not change', async () => {
    const store = new MemoryHotStateStore();
    const cache = new HotStateCache(store, 0);
    await cache.applyBatch([row('L1-C001', 'cellVoltage', 1000, 4.3)], 10_000);
    await cache.applyBatch([row('L1-C001', 'cellVoltage', 1000, 4.3)], 20_000);
    expect(store.writes).toBe(1);
  });
});
