/** Reading curated gold files back (the API's KPI and telemetry routes): one partition at a time, parsed with zod. */
import type { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import { GOLD } from './gold-writer.js';
import { decodeGoldTable } from './table-io.js';

/** Gold files read at once by one request (bounds its memory and its share of the storage account's throughput). */
export const GOLD_READ_CONCURRENCY = 8;

/** How long a read gold partition is served from memory, ms: curation rewrites gold at most once an hour. */
export const GOLD_CACHE_TTL_MS = 60_000;
/** Rows kept in memory across all cached partitions (a day file of a 300-cell line is 7,200 rows; an hour of minutes ~24,000). */
export const GOLD_CACHE_MAX_ROWS = 250_000;

interface CacheEntry {
  rows: readonly unknown[] | undefined;
  expiresAtMs: number;
}

/**
 * Parsed gold partitions kept for a short time (GOLD_CACHE_TTL_MS), so a burst of the same question (an ERP asking
 * for a month of days, a dashboard polling a line) reads the lake once. A partition missing from the lake is cached
 * as missing too. Least recently used entries go first once GOLD_CACHE_MAX_ROWS is exceeded.
 */
export class GoldRowCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** Reads under way, so concurrent requests for a partition that just expired share one lake read. */
  private readonly reading = new Map<string, Promise<readonly unknown[] | undefined>>();
  private rowsHeld = 0;

  constructor(private readonly opts: { ttlMs?: number; maxRows?: number; nowMs?: () => number } = {}) {}

  async getOrRead(
    key: string,
    read: () => Promise<readonly unknown[] | undefined>,
  ): Promise<readonly unknown[] | undefined> {
    const now = (this.opts.nowMs ?? Date.now)();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAtMs > now) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.rows;
    }
    if (hit) this.drop(key, hit);
    const pending = this.reading.get(key);
    if (pending) return pending;
    const reading = read();
    this.reading.set(key, reading);
    let rows: readonly unknown[] | undefined;
    try {
      rows = await reading;
    } finally {
      this.reading.delete(key);
    }
    const size = rows?.length ?? 0;
    const max = this.opts.maxRows ?? GOLD_CACHE_MAX_ROWS;
    if (size <= max) {
      this.entries.set(key, { rows, expiresAtMs: now + (this.opts.ttlMs ?? GOLD_CACHE_TTL_MS) });
      this.rowsHeld += size;
      for (const [k, e] of this.entries) {
        if (this.rowsHeld <= max) break;
        this.drop(k, e);
      }
    }
    return rows;
  }

  /** Entries held now (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  private drop(key: string, e: CacheEntry): void {
    this.entries.delete(key);
    this.rowsHeld -= e.rows?.length ?? 0;
  }
}

/** The process's cache of the API's gold reads (KPIs, telemetry). */
export const apiGoldCache = new GoldRowCache();

/**
 * The rows of one gold data file parsed with `row` (only its keys are decoded), or undefined when the partition has
 * no file (nothing curated there). A file that does not match the schema is a curation bug and throws. With a cache,
 * a partition read within its TTL is answered from memory.
 */
export async function readGoldRows<S extends z.ZodObject>(
  lake: LakeStore,
  path: string,
  row: S,
  cache?: GoldRowCache,
): Promise<z.output<S>[] | undefined> {
  const columns = Object.keys(row.shape);
  const read = async () => {
    const bytes = await lake.get(GOLD, path);
    if (!bytes) return undefined;
    return (await decodeGoldTable(bytes, columns)).map((r) => row.parse(r));
  };
  if (!cache) return read();
  return (await cache.getOrRead(`${path}|${columns.join(',')}`, read)) as z.output<S>[] | undefined;
}

/** Applies `fn` to every item with at most `limit` calls in flight; results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
