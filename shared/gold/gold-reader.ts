/** Reading curated gold files back (the API's KPI and telemetry routes): one partition at a time, parsed with zod. */
import type { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import { GOLD } from './gold-writer.js';
import { decodeGoldTable } from './table-io.js';

/** Gold files read at once by one request (bounds its memory and its share of the storage account's throughput). */
export const GOLD_READ_CONCURRENCY = 8;

/**
 * The rows of one gold data file parsed with `row` (only its keys are decoded), or undefined when the partition has
 * no file (nothing curated there). A file that does not match the schema is a curation bug and throws.
 */
export async function readGoldRows<S extends z.ZodObject>(lake: LakeStore, path: string, row: S): Promise<z.output<S>[] | undefined> {
  const bytes = await lake.get(GOLD, path);
  if (!bytes) return undefined;
  const rows = await decodeGoldTable(bytes, Object.keys(row.shape));
  return rows.map((r) => row.parse(r));
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
