import { z } from 'zod';

/** How long the dispatcher waits for a PLC and how often it tries again before declaring a command failed. */
export const DispatchPolicy = z.object({
  /** Attempts per command, the first included. */
  maxAttempts: z.number().int().min(1).max(10),
  /** Wait for the acknowledgement of one attempt, ms. */
  ackTimeoutMs: z.number().int().min(10).max(30_000),
  /** Pause before the second attempt, ms; doubles for each further one. */
  backoffMs: z.number().int().min(0).max(10_000),
});
export type DispatchPolicy = z.infer<typeof DispatchPolicy>;

/**
 * Defaults: 3 attempts × 3 s + 0.5 s + 1 s backoff ≈ 10.5 s, well inside the `scada` subscription's 1-minute lock
 * (shared/messaging/subscriptions.ts); 3 s per attempt is above the plant's 2 s recommendation→ack requirement (issue 6).
 */
export const DEFAULT_DISPATCH_POLICY: DispatchPolicy = { maxAttempts: 3, ackTimeoutMs: 3000, backoffMs: 500 };

/** Pause before attempt `attempt` (2, 3, …), ms. */
export function backoffBeforeMs(policy: DispatchPolicy, attempt: number): number {
  return attempt <= 1 ? 0 : policy.backoffMs * 2 ** (attempt - 2);
}
