/**
 * Fault kinds the simulator injects, their rates and how a fault is chosen for a sample. Rates are
 * probabilities per opportunity, and each injected fault yields exactly one ground-truth label:
 * - spike, wrong_unit, bad_quality, duplicate, out_of_order: per emitted sample of a sensor;
 * - stuck, dropout: per emitted sample, the chance that a stuck run (30–60 repeats) or a gap (3–8 silent
 *   intervals) starts after it — one label per run or gap;
 * - unknown_tag: extra points from unmodelled equipment per emitted sample;
 * - malformed_json, truncated_batch: extra corrupt bodies per Event Hub body.
 * At most one fault applies to a sample (they are drawn from one uniform number), so labels never overlap.
 */
import { z } from 'zod';

export const SAMPLE_FAULT_KINDS = [
  'spike',
  'stuck',
  'dropout',
  'duplicate',
  'out_of_order',
  'wrong_unit',
  'bad_quality',
] as const;
export const FAULT_KINDS = [...SAMPLE_FAULT_KINDS, 'unknown_tag', 'malformed_json', 'truncated_batch'] as const;
export type SampleFaultKind = (typeof SAMPLE_FAULT_KINDS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

const rate = (defaultValue: number) => z.number().min(0).max(0.1).default(defaultValue);

/** Fault rates (probabilities, see the module comment); defaults are 0.1–0.3 % per opportunity. */
export const FaultRates = z
  .object({
    spike: rate(0.002),
    stuck: rate(0.001),
    dropout: rate(0.001),
    duplicate: rate(0.002),
    out_of_order: rate(0.002),
    wrong_unit: rate(0.002),
    bad_quality: rate(0.002),
    unknown_tag: rate(0.001),
    malformed_json: rate(0.002),
    truncated_batch: rate(0.002),
  })
  .strict();
export type FaultRates = z.infer<typeof FaultRates>;
export type FaultRatesInput = z.input<typeof FaultRates>;

/** All rates zero: a clean stream (tests, and measuring the cleanser's false positives). */
export const NO_FAULTS: FaultRates = Object.freeze(Object.fromEntries(FAULT_KINDS.map((k) => [k, 0]))) as FaultRates;

/** Stuck run length, samples (long enough for a run-length detector of 20–30 samples to see it). */
export const STUCK_RUN_SAMPLES = [30, 60] as const;
/** Dropout length, silent sampling intervals (spans short gaps that get interpolated and longer ones that do not). */
export const DROPOUT_SAMPLES = [3, 8] as const;
/** An out-of-order point is released after this many later points of its sensor. */
export const OUT_OF_ORDER_DELAY_SAMPLES = [1, 3] as const;

/** What a sensor can suffer: event tags (feeder shots) are not signals, so only some kinds make sense for them. */
export type FaultScope = 'signal' | 'encoder' | 'event';

const ALLOWED: Record<FaultScope, ReadonlySet<SampleFaultKind>> = {
  signal: new Set(SAMPLE_FAULT_KINDS),
  // A beam encoder holds still between moves, so a stuck encoder cannot be told from a still beam.
  encoder: new Set(SAMPLE_FAULT_KINDS.filter((k) => k !== 'stuck')),
  event: new Set<SampleFaultKind>(['duplicate', 'bad_quality']),
};

/**
 * Chooses at most one sample fault from a uniform number u in [0, 1): the rates are laid end to end, so each
 * kind is chosen with exactly its rate (kinds not allowed for the scope are skipped, never redistributed).
 */
export function chooseSampleFault(u: number, rates: FaultRates, scope: FaultScope): SampleFaultKind | undefined {
  let edge = 0;
  for (const kind of SAMPLE_FAULT_KINDS) {
    edge += rates[kind];
    if (u < edge) return ALLOWED[scope].has(kind) ? kind : undefined;
  }
  return undefined;
}
