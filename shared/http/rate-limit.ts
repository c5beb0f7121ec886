import { ApiError } from './errors.js';

export interface TokenBucketOptions {
  /** Sustained rate, requests per minute. */
  perMinute: number;
  /** Bucket capacity, requests: how far a client may burst above the sustained rate. */
  burst: number;
  /** Clients tracked at once; the idlest are forgotten beyond this (bounds memory under many client ids). */
  maxClients?: number;
  /** Clock in ms; injectable so tests step time instead of sleeping. */
  nowMs?: () => number;
}

/** Clients tracked per instance before the idlest are dropped (a full bucket is the same as no bucket). */
const DEFAULT_MAX_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * A token bucket per client id, kept in this instance's memory: each request takes one token, tokens refill at
 * perMinute/60 per second up to `burst`. With several Function instances each keeps its own buckets, so the plant-wide
 * ceiling is the per-instance rate times the instance count (API Management enforces a global quota in Azure).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private readonly now: () => number;
  private readonly maxClients: number;

  constructor(private readonly opts: TokenBucketOptions) {
    this.refillPerMs = opts.perMinute / 60_000;
    this.now = opts.nowMs ?? Date.now;
    this.maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
  }

  /** Takes a token for `clientId`, or returns the whole seconds until one is available. */
  take(clientId: string): { allowed: true } | { allowed: false; retryAfterS: number } {
    const nowMs = this.now();
    const prior = this.buckets.get(clientId);
    const tokens = prior
      ? Math.min(this.opts.burst, prior.tokens + (nowMs - prior.atMs) * this.refillPerMs)
      : this.opts.burst;
    // Re-insert so Map order is least-recently-seen first, which is the eviction order.
    this.buckets.delete(clientId);
    if (tokens >= 1) {
      this.buckets.set(clientId, { tokens: tokens - 1, atMs: nowMs });
      this.evict();
      return { allowed: true };
    }
    this.buckets.set(clientId, { tokens, atMs: nowMs });
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / this.refillPerMs / 1000)) };
  }

  /** Like take, but throws 429 ERR-4291 with Retry-After when the client is over its rate. */
  enforce(clientId: string): void {
    const r = this.take(clientId);
    if (r.allowed) return;
    throw new ApiError(
      'tooManyRequests',
      `Rate limit of ${this.opts.perMinute} requests per minute exceeded for this client; retry after ${r.retryAfterS} s.`,
      [{ field: 'token.azp', issue: 'rate limit exceeded' }],
      { 'retry-after': String(r.retryAfterS) },
    );
  }

  private evict(): void {
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
  }
}

let current: { key: string; limiter: RateLimiter } | undefined;
/** The process-wide limiter for the given settings, kept across requests and rebuilt only when they change. */
export function rateLimiterFor(perMinute: number, burst: number): RateLimiter {
  const key = `${perMinute}/${burst}`;
  if (current?.key !== key) current = { key, limiter: new RateLimiter({ perMinute, burst }) };
  return current.limiter;
}
