import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { BATCH_RIDE_OUT, isTransient, MESSAGE_RIDE_OUT, rideOut } from './ride-out.js';

/** A dependency down from 0 until `downForMs` on a fake clock; each call to it fails the way `failure()` says. */
function dependency(downForMs: number, failure: () => unknown) {
  let nowMs = 0;
  let calls = 0;
  const waits: number[] = [];
  return {
    call: async () => {
      calls++;
      if (nowMs < downForMs) throw failure();
      return 'done';
    },
    hooks: {
      now: () => nowMs,
      sleep: async (ms: number) => void (nowMs += ms),
      onWait: (_attempt: number, delayMs: number) => void waits.push(delayMs),
    },
    calls: () => calls,
    waits,
    now: () => nowMs,
  };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { code: 'ECONNREFUSED' });

describe('riding out a dependency that is down', () => {
  it('keeps a message through a 60-second outage, pausing longer each time, and finishes once the store is back', async () => {
    const d = dependency(60_000, refused);
    await expect(rideOut(d.call, MESSAGE_RIDE_OUT, d.hooks)).resolves.toBe('done');
    expect(d.waits).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(d.calls()).toBe(d.waits.length + 1);
    expect(d.now()).toBeGreaterThanOrEqual(60_000);
  });

  it('gives the failure back once the budget is spent, so Service Bus can still dead-letter what never recovers', async () => {
    const d = dependency(Infinity, () => new DomainError('unavailable', 'ERR-TEST-DOWN', 'the store is down'));
    await expect(rideOut(d.call, MESSAGE_RIDE_OUT, d.hooks)).rejects.toMatchObject({ code: 'ERR-TEST-DOWN' });
    expect(d.now()).toBeLessThanOrEqual(MESSAGE_RIDE_OUT.budgetMs);
    expect(d.now()).toBeGreaterThan(MESSAGE_RIDE_OUT.budgetMs - MESSAGE_RIDE_OUT.maxDelayMs);
  });

  it('does not retry a failure a retry cannot fix', async () => {
    const d = dependency(Infinity, () => new DomainError('invalid-input', 'ERR-TEST-BAD', 'the event is malformed'));
    await expect(rideOut(d.call, BATCH_RIDE_OUT, d.hooks)).rejects.toMatchObject({ code: 'ERR-TEST-BAD' });
    expect(d.calls()).toBe(1);
  });

  it('tells transient failures from the rest by their shape', () => {
    expect(isTransient(refused())).toBe(true);
    expect(isTransient(Object.assign(new Error('fetch failed'), { cause: refused() }))).toBe(true);
    expect(isTransient({ statusCode: 503, message: 'Server busy' })).toBe(true);
    expect(isTransient({ code: 429, message: 'Request rate is large' })).toBe(true);
    expect(isTransient(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toBe(true);
    expect(isTransient({ statusCode: 404 })).toBe(false);
    expect(isTransient({ code: 409 })).toBe(false);
    expect(isTransient(new DomainError('conflict', 'ERR-TEST-CONFLICT', 'changed meanwhile'))).toBe(false);
    expect(isTransient(new TypeError('x is undefined'))).toBe(false);
    expect(isTransient('down')).toBe(false);
  });
});
