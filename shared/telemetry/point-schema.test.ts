import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoToEpochMs, MAX_EVENT_TS_MS, MIN_EVENT_TS_MS } from './point-schema.js';

describe('isoToEpochMs', () => {
  it('agrees with Date.parse on every canonical ISO string in the credible range', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_EVENT_TS_MS, max: MAX_EVENT_TS_MS }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(isoToEpochMs(iso)).toBe(ms);
      }),
      { numRuns: 5000, seed: 9 },
    );
  });

  it('accepts offsets and seconds-only forms, and refuses what is not a zoned date-time', () => {
    expect(isoToEpochMs('2024-06-01T14:00:00+02:00')).toBe(Date.UTC(2024, 5, 1, 12));
    expect(isoToEpochMs('2024-06-01T12:00:00Z')).toBe(Date.UTC(2024, 5, 1, 12));
    expect(isoToEpochMs('2024-06-01')).toBeNaN();
    expect(isoToEpochMs('2024-06-01T12:00:00.000')).toBeNaN();
    expect(isoToEpochMs('1999-12-31T23:59:59.999Z')).toBeNaN();
    expect(isoToEpochMs('2024-13-01T00:00:00.000Z')).toBeNaN();
  });
});
