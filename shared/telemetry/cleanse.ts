import { Flag, flagNames, GOLD_EXCLUDING_MASK, maskOf } from './flags.js';
import { pointRejection, type ParsedPoint, type Rejection } from './parse-body.js';
import type { EventOrigin, SilverRow } from './records.js';
import { MAD_TO_SIGMA } from './robust-stats.js';
import { SensorStateStore, type SensorState } from './sensor-state.js';
import { TAGS, type TagSpec } from './tag-catalogue.js';

export interface CleansingConfig {
  /** Values per sensor kept for spike/stuck checks (setting CLEANSING_WINDOW). */
  windowSize: number;
  /** Gaps up to this many intervals are interpolated (setting INTERPOLATE_MAX_GAP_INTERVALS). */
  interpolateMaxGapIntervals: number;
  /** A point whose event time is older than this at enqueue is flagged `late` (ms). */
  lateThresholdMs: number;
  /** Hampel threshold in robust standard deviations. */
  spikeSigmas: number;
  /**
   * Points (keys from `silverPointKey`) silver already holds from another batch, which in-memory state cannot know:
   * a parked batch replayed after later batches went through. Such a point is quarantined as DUPLICATE.
   */
  inSilverAlready?: ReadonlySet<string>;
}

/** The identity of a point in silver: cell, tag and event time (what makes a second copy a duplicate). */
export function silverPointKey(cellId: string, tag: string, tsMs: number): string {
  return `${cellId}|${tag}|${tsMs}`;
}

/**
 * Defaults beside the settings: 2 min lateness (a point older than that at enqueue missed the near-real-time view);
 * 5 σ Hampel threshold (Pearson 2002 uses 3 σ; 5 keeps false flags on Gaussian noise below 1e-6 per sample while
 * spikes of interest are tens of σ).
 */
export const DEFAULT_LATE_THRESHOLD_MS = 120_000;
export const DEFAULT_SPIKE_SIGMAS = 5;
/**
 * Values needed before the Hampel test judges. Two suffice because the scale never falls below the tag's noise floor:
 * slowly sampled tags (metal and bath height, every 30 s) would otherwise pass their first spikes unflagged, since a
 * spike spread over 30 s also slips under the rate-of-change limit. Only a sensor's very first sample goes unjudged.
 */
export const MIN_WINDOW_FOR_SPIKE = 2;
/** Time steps needed before the learned sampling interval replaces the catalogue's. */
export const MIN_DELTAS_FOR_INTERVAL = 5;

/** A point refused during cleansing (a duplicate), with the event it came from. */
export interface CleansingRejection extends Rejection {
  origin: EventOrigin;
}

/**
 * The cleansing pipeline over a stream of parsed points. Every point becomes one silver row or one rejection
 * (DUPLICATE); short gaps add interpolated rows. State lives in the SensorStateStore across batches.
 */
export class Cleanser {
  /** Interpolated rows withdrawn because a late point filled their gap; the caller drops them. */
  readonly withdrawn = new Set<SilverRow>();
  /** Identifies this cleanser's batch in sensor state (gap bookkeeping is only valid within one batch). */
  private readonly batchToken = ++batchTokens;

  constructor(
    readonly sensors: SensorStateStore,
    readonly config: CleansingConfig,
  ) {}

  /** Cleanses one point, appending its silver row (plus interpolated rows) or its rejection. */
  cleanse(p: ParsedPoint, origin: EventOrigin, rows: SilverRow[], rejections: CleansingRejection[]): void {
    const spec = p.spec;
    const s = this.sensors.get(p.cellId, spec.index);
    if (this.config.inSilverAlready?.has(silverPointKey(p.cellId, spec.tag, p.tsMs))) {
      const r = pointRejection(
        'DUPLICATE',
        `a point for ${p.cellId}/${spec.tag} at ${new Date(p.tsMs).toISOString()} reached silver from a later batch while this one was parked`,
        p.source,
        p.pointIndex,
        'ts',
      ) as CleansingRejection;
      r.origin = origin;
      rejections.push(r);
      return;
    }
    if (s.seenBefore(p.tsMs)) {
      const r = pointRejection(
        'DUPLICATE',
        `a point for ${p.cellId}/${spec.tag} at ${new Date(p.tsMs).toISOString()} was already accepted`,
        p.source,
        p.pointIndex,
        'ts',
      ) as CleansingRejection;
      r.origin = origin;
      rejections.push(r);
      return;
    }
    let mask = p.unitConverted ? Flag.unit_converted : 0;
    if (p.quality === 'bad') mask |= Flag.bad_quality;
    else if (p.quality === 'uncertain') mask |= Flag.uncertain_quality;
    if (origin.enqueuedMs - p.tsMs > this.config.lateThresholdMs) mask |= Flag.late;
    const value = p.value;
    if (value < spec.minValue || value > spec.maxValue) mask |= Flag.out_of_range;

    if (p.tsMs < s.latestTsMs) {
      // Out of order: judged against the window only; it moves no baseline and fills no gap.
      mask |= Flag.out_of_order;
      if (spec.judged && (mask & (Flag.out_of_range | Flag.bad_quality)) === 0 && this.deviation(s, spec, value) !== 0)
        mask |= Flag.spike;
      rows.push(row(p, origin, mask));
      this.retractFilledGap(s, spec, p.tsMs);
      return;
    }

    // In order: gap detection against the sensor's rhythm.
    const prevTsMs = s.latestTsMs;
    const prevWasGood = s.lastGoodTsMs === prevTsMs;
    const prevGoodValue = s.lastGoodValue;
    let fillCount = 0;
    let intervalMs = spec.expectedIntervalMs;
    if (prevTsMs !== Number.NEGATIVE_INFINITY) {
      const dtMs = p.tsMs - prevTsMs;
      if (s.deltaCount >= MIN_DELTAS_FOR_INTERVAL) intervalMs = s.learnedIntervalMs();
      if (dtMs > spec.gapFactor * intervalMs) {
        mask |= Flag.gap_before;
        const steps = Math.round(dtMs / intervalMs);
        if (spec.interpolate && prevWasGood && steps <= this.config.interpolateMaxGapIntervals) fillCount = steps - 1;
      }
      if (dtMs > 0) s.recordDelta(dtMs);
    }
    s.latestTsMs = p.tsMs;

    if ((mask & (Flag.out_of_range | Flag.bad_quality)) === 0) {
      if (spec.judged) mask |= this.judge(s, spec, p.tsMs, value);
      else {
        s.lastGoodValue = value;
        s.lastGoodTsMs = p.tsMs;
      }
    }

    let fills: SilverRow[] | undefined;
    if (fillCount > 0 && (mask & GOLD_EXCLUDING_MASK) === 0) {
      const dtMs = p.tsMs - prevTsMs;
      fills = [];
      for (let k = 1; k <= fillCount; k++) {
        const f = k / (fillCount + 1);
        const fill = interpolatedRow(
          p,
          origin,
          Math.round(prevTsMs + f * dtMs),
          prevGoodValue + f * (value - prevGoodValue),
        );
        fills.push(fill);
        rows.push(fill);
      }
    }
    const r = row(p, origin, mask);
    rows.push(r);
    if ((mask & Flag.gap_before) !== 0) {
      s.gap = { row: r, fills, prevTsMs, intervalMs, batchToken: this.batchToken };
    }
  }

  /**
   * A late point that lands in the last gap of its sensor (transport reordering, not a dropout): when the holes
   * left on both sides are no longer gaps, the gap flag is withdrawn and its interpolated rows with it. Only within
   * the batch that flagged the gap (earlier batches' files are already written).
   */
  private retractFilledGap(s: SensorState, spec: TagSpec, tsMs: number): void {
    const gap = s.gap;
    if (!gap || gap.batchToken !== this.batchToken || tsMs <= gap.prevTsMs || tsMs >= gap.row.tsMs) return;
    const limitMs = spec.gapFactor * gap.intervalMs;
    if (tsMs - gap.prevTsMs > limitMs || gap.row.tsMs - tsMs > limitMs) return;
    gap.row.flags = flagNames(maskOf(gap.row.flags) & ~Flag.gap_before);
    if (gap.fills) for (const f of gap.fills) this.withdrawn.add(f);
    s.gap = undefined;
  }

  /**
   * Spike, rate-of-change and stuck checks for an in-order, in-range, not-bad value; updates the baseline.
   * A suspected level shift is flagged once: when the next value confirms the new level, the baseline restarts there.
   */
  private judge(s: SensorState, spec: TagSpec, tsMs: number, value: number): number {
    let mask = 0;
    let side = this.deviation(s, spec, value);
    if (side !== 0) mask |= Flag.spike;
    if (!Number.isNaN(s.lastGoodValue)) {
      const dtS = (tsMs - s.lastGoodTsMs) / 1000;
      const step = value - s.lastGoodValue;
      if (dtS > 0 && Math.abs(step) / dtS > spec.maxRatePerS) {
        mask |= Flag.rate_of_change;
        if (side === 0) side = Math.sign(step);
      }
    }
    if (mask !== 0) {
      const pending = s.pendingShiftValue;
      const reference = Number.isNaN(this.lastMedian) ? s.lastGoodValue : this.lastMedian;
      // Confirmed when the value stays on the same side and near the suspected new level (within half the jump):
      // two unlike spikes in a row are not a level.
      if (
        !Number.isNaN(pending) &&
        side === s.pendingShiftSide &&
        Math.abs(value - pending) < 0.5 * Math.abs(pending - reference)
      ) {
        // Confirmed level shift (e.g. an anode effect): accept the new level.
        s.resetWindow([pending, value]);
        s.pendingShiftValue = Number.NaN;
        s.pendingShiftSide = 0;
        mask = 0;
      } else {
        s.pendingShiftValue = value;
        s.pendingShiftSide = side;
        return mask;
      }
    } else {
      s.pendingShiftValue = Number.NaN;
      s.pendingShiftSide = 0;
      s.pushValue(value);
    }
    s.lastGoodValue = value;
    s.lastGoodTsMs = tsMs;
    if (spec.stuck) {
      if (Math.abs(value - s.stuckRunValue) <= spec.stuck.tolerance) s.stuckRunLength++;
      else {
        s.stuckRunValue = value;
        s.stuckRunLength = 1;
      }
      if (s.stuckRunLength >= spec.stuck.runLength) mask |= Flag.stuck;
    }
    return mask;
  }

  private lastMedian = Number.NaN;

  /** Hampel test against the window: the side (±1) of a spike, 0 when the value is within bounds or unknown. */
  private deviation(s: SensorState, spec: TagSpec, value: number): number {
    if (s.windowCount < MIN_WINDOW_FOR_SPIKE) {
      this.lastMedian = Number.NaN;
      return 0;
    }
    const median = s.median();
    this.lastMedian = median;
    const dev = value - median;
    const floor = Math.max(spec.noiseFloor, spec.noiseRelative * Math.abs(median));
    // Within the noise floor's bound no MAD can make it a spike: skip the MAD for most points.
    if (Math.abs(dev) <= this.config.spikeSigmas * floor) return 0;
    const scale = Math.max(MAD_TO_SIGMA * s.mad(median), floor);
    return Math.abs(dev) > this.config.spikeSigmas * scale ? Math.sign(dev) : 0;
  }
}

let batchTokens = 0;

function row(p: ParsedPoint, origin: EventOrigin, mask: number): SilverRow {
  return {
    lineId: p.lineId,
    cellId: p.cellId,
    tag: p.spec.tag,
    tsMs: p.tsMs,
    value: p.value,
    unit: p.spec.canonicalUnit,
    rawValue: p.rawValue,
    rawUnit: p.rawUnit,
    quality: p.quality,
    flags: flagNames(mask),
    seq: p.seq,
    partition: origin.partition,
    sequenceNumber: origin.sequenceNumber,
    enqueuedMs: origin.enqueuedMs,
  };
}

const INTERPOLATED = flagNames(Flag.interpolated);

function interpolatedRow(p: ParsedPoint, origin: EventOrigin, tsMs: number, value: number): SilverRow {
  return {
    lineId: p.lineId,
    cellId: p.cellId,
    tag: p.spec.tag,
    tsMs,
    value,
    unit: p.spec.canonicalUnit,
    rawValue: value,
    rawUnit: p.spec.canonicalUnit,
    quality: 'good',
    flags: INTERPOLATED,
    seq: null,
    partition: origin.partition,
    sequenceNumber: origin.sequenceNumber,
    enqueuedMs: origin.enqueuedMs,
  };
}

/** A sensor state store sized for the catalogue. */
export function newSensorStateStore(windowSize: number): SensorStateStore {
  return new SensorStateStore(windowSize, TAGS.length);
}
