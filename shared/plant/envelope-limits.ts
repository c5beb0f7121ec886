import { z } from 'zod';
import { SET_POINT_FIELDS, type SetPointField } from './set-point.js';
import { DomainError } from '../kernel/errors.js';

const nonNegative = z.number().finite().nonnegative();

/** Limits of one set-point field: the equipment rating and how fast it may be moved. */
export const FieldLimits = z
  .object({
    /** Lowest value the equipment is rated for (inclusive), in the field's unit. */
    min: z.number().finite(),
    /** Highest value the equipment is rated for (inclusive), in the field's unit. */
    max: z.number().finite(),
    /** Largest change one command may make from the present value. */
    maxStep: nonNegative,
    /** Largest total movement (sum of |step|) over any rolling hour, this command included. */
    maxMovePerHour: nonNegative,
  })
  .refine((l) => l.min <= l.max, { message: 'min must not exceed max', path: ['min'] });
export type FieldLimits = z.infer<typeof FieldLimits>;

/**
 * How far plant and cloud clocks may disagree when a plant model does not say, ms. Both are NTP-disciplined to well
 * under a second and a command reaches the PLC within milliseconds; 5 s covers both with margin.
 */
export const DEFAULT_CLOCK_SKEW_TOLERANCE_MS = 5_000;

/** The whole safety envelope's parameters; a plant supplies its own through `parseEnvelopeLimits`. */
export const EnvelopeLimits = z.object({
  fields: z.object(
    Object.fromEntries(SET_POINT_FIELDS.map((f) => [f, FieldLimits])) as Record<SetPointField, typeof FieldLimits>,
  ),
  /** A cell whose newest interlock reading is older than this is treated as blind: no change, ms. */
  staleDataMaxAgeMs: z.number().int().positive(),
  /** Cell voltage above which the cell is in anode effect, V. */
  anodeEffectThresholdV: z.number().positive(),
  /**
   * How far a plant timestamp may run ahead of ours before a reading counts as dated in the future (and proves
   * nothing), ms; also how long after sending a command a plant report may still not show it.
   */
  clockSkewToleranceMs: z.number().int().nonnegative().default(DEFAULT_CLOCK_SKEW_TOLERANCE_MS),
});
export type EnvelopeLimits = z.infer<typeof EnvelopeLimits>;

export class EnvelopeLimitsError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super(
      'invalid-input',
      'ERR-SCADA-LIMITS',
      `Safety envelope limits: ${field} ${detail}. Fix the plant's envelope configuration.`,
      field,
    );
  }
}

/** Parses a plant's envelope configuration; throws EnvelopeLimitsError naming the first bad field. */
export function parseEnvelopeLimits(value: unknown): EnvelopeLimits {
  const parsed = EnvelopeLimits.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvelopeLimitsError(issue?.path.join('.') || '(root)', issue?.message ?? 'is invalid');
  }
  return parsed.data;
}
