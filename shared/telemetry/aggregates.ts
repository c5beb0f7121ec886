import { isExcludedFromGold, maskOf, NEUTRAL_MASK } from './flags.js';
import type { SilverRow } from './records.js';
import { TAGS } from './tag-catalogue.js';

/** One minute in epoch ms. */
const MINUTE_MS = 60_000;

/**
 * A mergeable per cell × tag × minute aggregate (gold `telemetry_minute`). Statistics cover the rows kept for gold;
 * `flaggedCount` counts the rows of that minute left out (GOLD_EXCLUDING_FLAGS), so count + flaggedCount is every
 * silver row and goodCount / (count + flaggedCount) is the good ratio.
 */
export interface MinuteAggregate {
  lineId: string;
  cellId: string;
  tag: string;
  unit: string;
  minuteStartMs: number;
  count: number;
  sum: number;
  sumSq: number;
  /** null when no row of the minute was kept. */
  min: number | null;
  max: number | null;
  firstTsMs: number | null;
  firstValue: number | null;
  lastTsMs: number | null;
  lastValue: number | null;
  /** Kept rows of good quality with no flag other than unit_converted, out_of_order, late, gap_before. */
  goodCount: number;
  flaggedCount: number;
}

/** Start of the minute holding tsMs. */
export function minuteStart(tsMs: number): number {
  return Math.floor(tsMs / MINUTE_MS) * MINUTE_MS;
}

/** Aggregates silver rows per cell × tag × minute. */
export function aggregateMinutes(rows: readonly SilverRow[]): MinuteAggregate[] {
  // cellId → (minute index · TAG_SLOTS + tag slot) → aggregate: numeric inner keys, no key strings per row.
  const byCell = new Map<string, Map<number, MinuteAggregate>>();
  const out: MinuteAggregate[] = [];
  for (const r of rows) {
    const minute = minuteStart(r.tsMs);
    let cell = byCell.get(r.cellId);
    if (!cell) byCell.set(r.cellId, (cell = new Map()));
    const key = (minute / MINUTE_MS) * TAG_SLOTS + tagSlot(r.tag);
    let a = cell.get(key);
    if (!a) {
      a = emptyAggregate(r.lineId, r.cellId, r.tag, r.unit, minute);
      cell.set(key, a);
      out.push(a);
    }
    addRow(a, r);
  }
  return out;
}

/** Distinct tags per cell the numeric key can hold (catalogue tags first, others after). */
const TAG_SLOTS = 64;
const slots = new Map<string, number>(TAGS.map((t, i) => [t, i]));
function tagSlot(tag: string): number {
  let s = slots.get(tag);
  if (s === undefined) {
    s = slots.size % TAG_SLOTS;
    slots.set(tag, s);
  }
  return s;
}

function emptyAggregate(
  lineId: string,
  cellId: string,
  tag: string,
  unit: string,
  minuteStartMs: number,
): MinuteAggregate {
  return {
    lineId,
    cellId,
    tag,
    unit,
    minuteStartMs,
    count: 0,
    sum: 0,
    sumSq: 0,
    min: null,
    max: null,
    firstTsMs: null,
    firstValue: null,
    lastTsMs: null,
    lastValue: null,
    goodCount: 0,
    flaggedCount: 0,
  };
}

function addRow(a: MinuteAggregate, r: SilverRow): void {
  const mask = maskOf(r.flags);
  if (isExcludedFromGold(mask)) {
    a.flaggedCount++;
    return;
  }
  const v = r.value;
  a.count++;
  a.sum += v;
  a.sumSq += v * v;
  // Assigned only when they change: min and max hold null or a number, so each store would box a new number.
  if (a.min === null || v < a.min) a.min = v;
  if (a.max === null || v > a.max) a.max = v;
  if (a.firstTsMs === null || r.tsMs < a.firstTsMs) {
    a.firstTsMs = r.tsMs;
    a.firstValue = v;
  }
  if (a.lastTsMs === null || r.tsMs > a.lastTsMs) {
    a.lastTsMs = r.tsMs;
    a.lastValue = v;
  }
  if (r.quality === 'good' && (mask & ~NEUTRAL_MASK) === 0) a.goodCount++;
}

/**
 * Merges two partial aggregates of the same cell × tag × minute. Counts, min, max, first and last are exact and
 * the merge is associative and commutative; sum and sumSq are exact up to floating-point rounding of one addition.
 */
export function mergeAggregates(a: MinuteAggregate, b: MinuteAggregate): MinuteAggregate {
  if (a.cellId !== b.cellId || a.tag !== b.tag || a.minuteStartMs !== b.minuteStartMs) {
    throw new Error(
      `AGG-KEY: cannot merge ${a.cellId}/${a.tag}/${a.minuteStartMs} with ${b.cellId}/${b.tag}/${b.minuteStartMs}; merge partials of the same cell, tag and minute`,
    );
  }
  const first = pickFirst(a, b);
  const last = pickLast(a, b);
  return {
    lineId: a.lineId,
    cellId: a.cellId,
    tag: a.tag,
    unit: a.unit,
    minuteStartMs: a.minuteStartMs,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    sumSq: a.sumSq + b.sumSq,
    min: a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min),
    max: a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max),
    firstTsMs: first.firstTsMs,
    firstValue: first.firstValue,
    lastTsMs: last.lastTsMs,
    lastValue: last.lastValue,
    goodCount: a.goodCount + b.goodCount,
    flaggedCount: a.flaggedCount + b.flaggedCount,
  };
}

// Ties on time break on the value so that merge order never changes the result.
function pickFirst(a: MinuteAggregate, b: MinuteAggregate): MinuteAggregate {
  if (a.firstTsMs === null) return b;
  if (b.firstTsMs === null) return a;
  if (a.firstTsMs !== b.firstTsMs) return a.firstTsMs < b.firstTsMs ? a : b;
  return a.firstValue! <= b.firstValue! ? a : b;
}
function pickLast(a: MinuteAggregate, b: MinuteAggregate): MinuteAggregate {
  if (a.lastTsMs === null) return b;
  if (b.lastTsMs === null) return a;
  if (a.lastTsMs !== b.lastTsMs) return a.lastTsMs > b.lastTsMs ? a : b;
  return a.lastValue! >= b.lastValue! ? a : b;
}
