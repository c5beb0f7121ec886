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
    expect(isoToEpochMs('2024-13-01T00:00:00.000Z')).toBeNaN();
  });

  it('parses real dates outside the credible range (the event-time window judges them, with its own reasons)', () => {
    expect(isoToEpochMs('1999-12-31T23:59:59.999Z')).toBe(Date.UTC(1999, 11, 31, 23, 59, 59, 999));
    expect(isoToEpochMs('1970-01-01T00:00:00Z')).toBe(0);
    expect(isoToEpochMs('2150-06-01T00:00:00.000Z')).toBe(Date.UTC(2150, 5, 1));
  });

  it('refuses moments no calendar has instead of moving them forward as Date.parse does', () => {
    for (const ts of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T12:00:00.000Z',
      '2026-04-31T08:00:00+02:00',
      '2026-06-31T00:00:00.000Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T12:00:00+25:00',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
    ])
      expect(isoToEpochMs(ts), ts).toBeNaN();
    expect(isoToEpochMs('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(isoToEpochMs('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
    expect(isoToEpochMs('2100-02-29T00:00:00Z')).toBeNaN();
  });

  it('never accepts a string Date.parse would shift: whatever it parses names exactly that calendar moment', () => {
    const part = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2110 }),
        part(0, 13),
        part(0, 32),
        part(0, 25),
        part(0, 61),
        part(0, 61),
        (y, mo, d, h, mi, s) => {
          const ts = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
          const ms = isoToEpochMs(ts);
          if (Number.isNaN(ms)) return;
          expect(new Date(ms).toISOString().slice(0, 19)).toBe(ts.slice(0, 19));
        },
      ),
      { numRuns: 3000, seed: 15 },
    );
  });
});
