import { z } from 'zod';
import type { FlagName } from './flags.js';
import type { Quality } from './quality.js';

/** Why input was refused (contract names). */
export const QUARANTINE_REASONS = [
  'EMPTY_BODY',
  'MALFORMED_JSON',
  'SCHEMA_INVALID',
  'UNKNOWN_TAG',
  'UNKNOWN_UNIT',
  'DUPLICATE',
  'TOO_MANY_POINTS',
  /** A line or cell the plant model does not have: kept out of silver, gold and the hot state. */
  'UNKNOWN_EQUIPMENT',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** Where an input came from on the Event Hub. */
export interface EventOrigin {
  partition: string;
  sequenceNumber: number;
  enqueuedMs: number;
}

/** One silver row per accepted point (and per interpolated fill). */
export interface SilverRow {
  lineId: string;
  cellId: string;
  tag: string;
  tsMs: number;
  /** In the tag's canonical unit. */
  value: number;
  unit: string;
  rawValue: number;
  rawUnit: string;
  quality: Quality;
  /** Replaced (never mutated) when a flag is withdrawn; the arrays are shared per flag combination. */
  flags: readonly FlagName[];
  seq: number | null;
  partition: string;
  sequenceNumber: number;
  enqueuedMs: number;
}

/** A refused body or point, never dropped (DESIGN §5). */
export const QuarantineRecord = z.object({
  reason: z.enum(QUARANTINE_REASONS),
  detail: z.string(),
  /** Dotted path of the offending field when the reason is a field. */
  field: z.string().optional(),
  partition: z.string(),
  sequenceNumber: z.number(),
  enqueuedMs: z.number(),
  /** The original body (UTF-8 text, or base64 when not UTF-8) or the single offending point as JSON. */
  raw: z.string(),
  rawEncoding: z.enum(['utf8', 'base64', 'json']),
  /** Index of the point in the body when one point of several was refused. */
  pointIndex: z.number().int().optional(),
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;
