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
  clockSkewToleranceMs: z.number().int().nonnegative().default(5_000),
});
export type EnvelopeLimits = z.infer<typeof EnvelopeLimits>;

/**
 * Defaults for a prebake potline like the PHYSICS.md base cell (126 kA, ACD 2.9 cm). Ratings sit outside the
 * optimiser's own windows (shared/optimize/schema.ts: ACD 2.2–4.5 cm, step 0.2 cm, line current step 3 kA), so the
 * envelope is the last line of defence, not a second optimiser.
 */
export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = EnvelopeLimits.parse({
  fields: {
    // cm. Below ~2 cm the metal pad shorts to the anodes, above 5 cm the bath overheats (Grjotheim & Kvande,
    // Introduction to Aluminium Electrolysis, 2nd ed. 1993, ch. 9: ACD 4–5 cm in older, 2–3 cm in modern cells).
    acdCm: { min: 2.0, max: 5.0, maxStep: 0.3, maxMovePerHour: 0.6 },
    // s between shots. Point feeders cycle 30–300 s; 600 s starves a cell within its 10–20 min buffer (local/simulator README).
    feedIntervalS: { min: 30, max: 600, maxStep: 60, maxMovePerHour: 180 },
    // kA. Rectifier rating around the 126 kA base line (PHYSICS.md); ±3 kA steps as the optimiser's maxStep default.
    lineCurrentKA: { min: 110, max: 135, maxStep: 3, maxMovePerHour: 6 },
    // kg/day per cell. Typical AlF3 additions 10–60 kg/day for a 126 kA cell (Grjotheim & Kvande ch. 4).
    alf3AdditionKgPerDay: { min: 0, max: 100, maxStep: 20, maxMovePerHour: 40 },
  },
  // ms. Voltage is sampled every ~1 s and the hot state written every 2 s (HOT_STATE_WRITE_INTERVAL_MS default); a
  // minute without a reading means the cell is not being watched.
  staleDataMaxAgeMs: 60_000,
  // V. IAI / US EPA PFC protocol: a cell above 8 V is in anode effect (also ANODE_EFFECT_THRESHOLD_V's default).
  anodeEffectThresholdV: 8,
  // ms. Plant and cloud clocks are NTP-disciplined to well under a second; a command reaches the PLC within
  // milliseconds. 5 s covers both with margin.
  clockSkewToleranceMs: 5_000,
});

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
