import { FLAG_NAMES, type FlagName } from './flags.js';
import { QUARANTINE_REASONS, type QuarantineReason, type SilverRow } from './records.js';

/** Per-batch data-quality metrics (gold `data_quality_batch`). */
export interface BatchQuality {
  partition: string;
  firstSeq: number;
  lastSeq: number;
  /** Enqueued time of the batch's first event (epoch ms). */
  firstEnqueuedMs: number;
  /** Candidate points in (a body with no candidate counts as one): silverRows − interpolatedRows + quarantined. */
  pointsIn: number;
  silverRows: number;
  interpolatedRows: number;
  /** Rows of good quality with no flag other than the neutral ones. */
  goodRows: number;
  /** Rows kept out of gold. */
  excludedRows: number;
  quarantined: number;
  flaggedByFlag: Record<FlagName, number>;
  quarantinedByReason: Record<QuarantineReason, number>;
  processingMs: number;
}

/** Zeroed counters for every flag. */
export function emptyFlagCounts(): Record<FlagName, number> {
  return Object.fromEntries(FLAG_NAMES.map((f) => [f, 0])) as Record<FlagName, number>;
}
/** Zeroed counters for every quarantine reason. */
export function emptyReasonCounts(): Record<QuarantineReason, number> {
  return Object.fromEntries(QUARANTINE_REASONS.map((r) => [r, 0])) as Record<QuarantineReason, number>;
}

/** Counts flags over silver rows into `counts` (a row with two flags counts once under each). */
export function countFlags(rows: readonly SilverRow[], counts: Record<FlagName, number>): void {
  for (const r of rows) for (const f of r.flags) counts[f]++;
}
