import { mergeAggregates, type MinuteAggregate } from '../telemetry/aggregates.js';
import type { GoldRow } from './table-io.js';
import { FACT_CELL_MINUTE } from './schema.js';
import { sortByKey } from './table-io.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** dateKey (YYYYMMDD) of an epoch-ms instant, UTC. */
export function dateKeyOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}
/** Minute of the UTC day, 0–1439. */
export function timeKeyOf(ms: number): number {
  return Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** A final cell × tag × minute fact: the merged partial plus its derived statistics. */
export interface CellMinuteFact extends MinuteAggregate {
  dateKey: number;
  timeKey: number;
  mean: number | null;
  variance: number | null;
  partials: number;
}

/**
 * Merges per-batch partials into one fact per cell × tag × minute. Partials are merged in the order given (callers
 * pass them in file-path order), so the same inputs always give bit-identical sums; output is sorted by the key.
 */
export function mergeMinutePartials(partials: Iterable<MinuteAggregate>): CellMinuteFact[] {
  const byKey = new Map<string, { agg: MinuteAggregate; partials: number }>();
  for (const p of partials) {
    const key = `${p.cellId}\u0000${p.tag}\u0000${p.minuteStartMs}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.agg = mergeAggregates(seen.agg, p);
      seen.partials++;
    } else byKey.set(key, { agg: { ...p }, partials: 1 });
  }
  const out: CellMinuteFact[] = [];
  for (const { agg, partials: count } of byKey.values()) {
    const mean = agg.count > 0 ? agg.sum / agg.count : null;
    // Population variance from the moments; clamped at 0 where rounding leaves a tiny negative for a flat signal.
    const variance = mean === null ? null : Math.max(0, agg.sumSq / agg.count - mean * mean);
    out.push({
      ...agg,
      dateKey: dateKeyOf(agg.minuteStartMs),
      timeKey: timeKeyOf(agg.minuteStartMs),
      mean,
      variance,
      partials: count,
    });
  }
  return sortByKey(FACT_CELL_MINUTE, out as unknown as GoldRow[]) as unknown as CellMinuteFact[];
}
