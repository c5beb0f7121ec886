import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('token bucket per client', () => {
  it('allows a burst, then refuses with a Retry-After until tokens refill', () => {
    let nowMs = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 3, nowMs: () => nowMs });
    expect([1, 2, 3].map(() => limiter.take('erp').allowed)).toEqual([true, true, true]);
    expect(limiter.take('erp')).toEqual({ allowed: false, retryAfterS: 1 });
    nowMs += 1000; // 60/min refills one token per second
    expect(limiter.take('erp').allowed).toBe(true);
    expect(limiter.take('erp').allowed).toBe(false);
  });

  it('keeps clients apart', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1, nowMs: () => 0 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterS: 60 });
  });

  it('throws 429 ERR-4291 with a Retry-After header', () => {
    const limiter = new RateLimiter({ perMinute: 6, burst: 1, nowMs: () => 0 });
    limiter.enforce('c');
    expect(() => limiter.enforce('c')).toThrow(
      expect.objectContaining({ code: 'ERR-4291', status: 429, headers: { 'retry-after': '10' } }),
    );
  });

  it('forgets the idlest clients beyond its capacity, so memory stays bounded', () => {
    let nowMs = 0;
    const limiter = new RateLimiter({ perMinute: 1, burst: 1, maxClients: 2, nowMs: () => nowMs });
    limiter.take('a');
    nowMs = 1;
    limiter.take('b');
    limiter.take('c');
    // 'a' was evicted, so it starts again with a full bucket; 'c' is still tracked and empty.
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });
});
