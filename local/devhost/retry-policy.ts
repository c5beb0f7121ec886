import { z } from 'zod';
import type { RpcRetryOptions } from './rpc-types.js';

/**
 * A function's retry policy (`retry` on the registration), as @azure/functions passes it in `retryOptions`.
 * Intervals arrive as whole seconds: the library rounds every duration to seconds (toRpcDuration).
 */
export interface RetryPolicy {
  strategy: 'none' | 'fixedDelay' | 'exponentialBackoff';
  /** Retries after the first attempt; -1 retries forever (Functions semantics). */
  maxRetryCount: number;
  delayMs: number;
  minimumMs: number;
  maximumMs: number;
}

const Duration = z.object({ seconds: z.coerce.number().min(0).nullish(), nanos: z.number().nullish() }).nullish();
const RetryOptions = z.looseObject({
  retryStrategy: z.string().nullish(),
  strategy: z.string().nullish(),
  maxRetryCount: z.number().int().min(-1).nullish(),
  delayInterval: Duration,
  minimumInterval: Duration,
  maximumInterval: Duration,
});

const toMs = (d: z.infer<typeof Duration>): number =>
  d ? (d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : 0;

export const NO_RETRY: RetryPolicy = { strategy: 'none', maxRetryCount: 0, delayMs: 0, minimumMs: 0, maximumMs: 0 };

/** Parses the registration's retry options; absent options mean no retries. Throws naming the bad field. */
export function parseRetryPolicy(functionName: string, options: RpcRetryOptions | undefined): RetryPolicy {
  if (!options) return NO_RETRY;
  const parsed = RetryOptions.safeParse(options);
  if (!parsed.success)
    throw new Error(
      `ERR-DEVHOST-RETRY: function ${functionName}: retry.${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  const o = parsed.data;
  const strategy = (o.retryStrategy ?? o.strategy ?? '').toLowerCase().replace(/_/g, '');
  const kind =
    strategy === 'fixeddelay' ? 'fixedDelay' : strategy === 'exponentialbackoff' ? 'exponentialBackoff' : undefined;
  if (!kind)
    throw new Error(
      `ERR-DEVHOST-RETRY: function ${functionName}: retry.strategy must be fixedDelay or exponentialBackoff (got "${strategy}")`,
    );
  return {
    strategy: kind,
    maxRetryCount: o.maxRetryCount ?? 0,
    delayMs: toMs(o.delayInterval),
    minimumMs: toMs(o.minimumInterval),
    maximumMs: toMs(o.maximumInterval),
  };
}

/** Whether another attempt is allowed after `retriesDone` retries. */
export function mayRetry(policy: RetryPolicy, retriesDone: number): boolean {
  return policy.strategy !== 'none' && (policy.maxRetryCount === -1 || retriesDone < policy.maxRetryCount);
}

/**
 * Wait before retry number `retryIndex` (0 for the first retry): fixed delay, or the minimum doubled per retry up
 * to the maximum (the Functions exponential strategy, without its jitter so local runs are reproducible).
 */
export function retryDelayMs(policy: RetryPolicy, retryIndex: number): number {
  if (policy.strategy === 'fixedDelay') return policy.delayMs;
  if (policy.strategy === 'exponentialBackoff') return Math.min(policy.maximumMs, policy.minimumMs * 2 ** retryIndex);
  return 0;
}
