/**
 * Riding out a dependency that is down for a while. Service Bus gives an abandoned message back at once and
 * dead-letters it after its tenth delivery, so a consumer that fails fast on a store that is restarting burns every
 * delivery of its backlog in seconds; an Event Hubs batch whose retries run out is checkpointed past. Instead the
 * consumer keeps the message (the host renews its lock) or the batch (the partition waits behind it) and tries again
 * after a pause that doubles, for as long as the failure is one a returning dependency fixes, up to a budget.
 */
import { DomainError } from './errors.js';

export interface RideOutPolicy {
  /** How long, from the first failure, to keep trying before handing the failure back, ms. */
  budgetMs: number;
  /** The first pause, ms; each next one doubles, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * For a Service Bus consumer: four minutes, inside the five the Functions host renews a message's lock for
 * (`maxAutoLockRenewalDuration`), so the message is never delivered a second time while this one still waits.
 */
export const MESSAGE_RIDE_OUT: RideOutPolicy = { budgetMs: 4 * 60_000, firstDelayMs: 1_000, maxDelayMs: 15_000 };

/**
 * For an Event Hubs consumer: ten minutes, well inside the function timeout; the partition's later batches wait
 * behind this one (nothing is skipped), the others go on.
 */
export const BATCH_RIDE_OUT: RideOutPolicy = { budgetMs: 10 * 60_000, firstDelayMs: 1_000, maxDelayMs: 15_000 };

/** Network failures a returning peer fixes (Node.js system error codes, @azure/core-rest-pipeline's send error). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOSPC',
  'REQUEST_SEND_ERROR',
  'ServerBusy',
  'ServiceUnavailable',
]);
/** HTTP statuses that mean "not now": timeout, throttled, the server failing or not there yet. */
const TRANSIENT_STATUSES = new Set([408, 429, 449, 500, 502, 503, 504]);

/**
 * True when `err` is a failure a retry later can fix: a DomainError of kind `unavailable`, a network error, a
 * full disk, or an HTTP answer of the "not now" kind (Azure SDK errors carry `statusCode`, Cosmos DB's `code`).
 * Invalid input, conflicts and the platform's own faults are not: retrying them only repeats them.
 */
export function isTransient(err: unknown, depth = 0): boolean {
  if (depth > 4 || err === null || typeof err !== 'object') return false;
  if (err instanceof DomainError) return err.kind === 'unavailable';
  const e = err as { code?: unknown; statusCode?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  if (typeof e.statusCode === 'number' && TRANSIENT_STATUSES.has(e.statusCode)) return true;
  if (typeof e.code === 'number' && TRANSIENT_STATUSES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isTransient(x, depth + 1))) return true;
  return e.cause !== undefined && isTransient(e.cause, depth + 1);
}

export interface RideOutHooks {
  /** Waits `ms` (tests pass one that moves a fake clock). */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms now. */
  now?: () => number;
  /** Told before each pause: which attempt failed, the pause, and why. */
  onWait?: (attempt: number, delayMs: number, err: unknown) => void;
}

/**
 * Runs `work`; while it fails transiently (isTransient) and the budget is not spent, pauses and runs it again.
 * Any other failure, or a transient one past the budget, is thrown as it came. `work` must be idempotent: it may
 * have done part of its job before it failed.
 */
export async function rideOut<T>(work: () => Promise<T>, policy: RideOutPolicy, hooks: RideOutHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = hooks.now ?? Date.now;
  let firstFailureMs: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isTransient(err)) throw err;
      firstFailureMs ??= now();
      const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
      if (now() + delayMs - firstFailureMs > policy.budgetMs) throw err;
      hooks.onWait?.(attempt, delayMs, err);
      await sleep(delayMs);
    }
  }
}
