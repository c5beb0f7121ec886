import { describe, expect, it } from 'vitest';
import { GoldRowCache, mapLimited } from './gold-reader.js';

describe('gold row cache', () => {
  it('answers from memory within the TTL, reads again after it, and remembers a missing partition too', async () => {
    let now = 0;
    const cache = new GoldRowCache({ ttlMs: 1000, nowMs: () => now });
    let reads = 0;
    const read = async () => (reads++, [{ a: 1 }]);
    expect(await cache.getOrRead('day', read)).toEqual([{ a: 1 }]);
    now = 999;
    await cache.getOrRead('day', read);
    expect(reads).toBe(1);
    now = 1000;
    await cache.getOrRead('day', read);
    expect(reads).toBe(2);
    let missingReads = 0;
    const missing = async () => (missingReads++, undefined);
    expect(await cache.getOrRead('gone', missing)).toBeUndefined();
    expect(await cache.getOrRead('gone', missing)).toBeUndefined();
    expect(missingReads).toBe(1);
  });

  it('shares one read among concurrent requests for the same partition', async () => {
    const cache = new GoldRowCache();
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const read = async () => {
      reads++;
      await gate;
      return [1, 2, 3];
    };
    const all = Promise.all([cache.getOrRead('k', read), cache.getOrRead('k', read), cache.getOrRead('k', read)]);
    release();
    expect(await all).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(reads).toBe(1);
  });

  it('keeps at most maxRows, dropping the least recently used, and never caches a partition larger than that', async () => {
    const cache = new GoldRowCache({ maxRows: 5 });
    const rows = (n: number) => async () => Array.from({ length: n }, (_, i) => i);
    await cache.getOrRead('a', rows(2));
    await cache.getOrRead('b', rows(2));
    await cache.getOrRead('a', rows(2)); // a is now the most recently used
    await cache.getOrRead('c', rows(2)); // 6 rows held: b goes
    let reread = 0;
    await cache.getOrRead('a', async () => (reread++, []));
    await cache.getOrRead('b', async () => (reread++, [0, 1]));
    expect(reread).toBe(1);
    await cache.getOrRead('huge', rows(6));
    expect(cache.size).toBeLessThanOrEqual(3);
    let hugeReads = 0;
    await cache.getOrRead('huge', async () => (hugeReads++, []));
    expect(hugeReads).toBe(1);
  });
});

describe('mapLimited', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
