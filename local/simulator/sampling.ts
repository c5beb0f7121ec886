/**
 * Turns a target rate (points per minute over the whole potline) into per-tag sampling intervals. Feeder
 * shots are events whose rate the plant decides; the periodic tags share the rest in proportion to their
 * weights, so the intervals add up to the requested rate.
 */
import { CELL_TAGS, LINE_TAGS, TAG_SPECS, type PeriodicTag } from './tags.js';

export interface SamplingPlan {
  ratePerMin: number;
  /** Expected feeder-shot points per minute over the potline (not controlled by the rate). */
  feedPointsPerMin: number;
  /** Sampling interval of each periodic tag, ms (the same for every sensor of a tag). */
  intervalMs: Record<PeriodicTag, number>;
}

/** Computes the per-tag intervals for `ratePerMin` points/min over `lines` × `cellsPerLine` cells. */
export function planSampling(
  ratePerMin: number,
  lines: number,
  cellsPerLine: number,
  meanFeedIntervalS: number,
): SamplingPlan {
  const cells = lines * cellsPerLine;
  const feedPointsPerMin = (cells * 60) / meanFeedIntervalS;
  // Never let feeder shots take the whole budget: periodic tags keep at least half of it.
  const periodicPerMin = Math.max(ratePerMin - feedPointsPerMin, ratePerMin / 2);
  let weightSum = 0;
  for (const tag of CELL_TAGS) weightSum += TAG_SPECS[tag].samplingWeight * cells;
  for (const tag of LINE_TAGS) weightSum += TAG_SPECS[tag].samplingWeight * lines;
  const perWeightPerMin = periodicPerMin / weightSum;
  const intervalMs = {} as Record<PeriodicTag, number>;
  for (const tag of [...CELL_TAGS, ...LINE_TAGS])
    intervalMs[tag] = 60_000 / (TAG_SPECS[tag].samplingWeight * perWeightPerMin);
  return { ratePerMin, feedPointsPerMin, intervalMs };
}
