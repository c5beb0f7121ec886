import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateMinutes, mergeAggregates } from './aggregates.js';
import { flagNames, Flag } from './flags.js';
import type { SilverRow } from './records.js';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
function row(tsMs: number, value: number, mask = 0): SilverRow {
  return {
    lineId: 'L1',
    cellId: 'L1-C001',
    tag: 'cellVoltage',
    tsMs,
    value,
    unit: 'V',
    rawValue: value,
    rawUnit: 'V',
    quality: 'good',
    flags: flagNames(mask),
    seq: null,
    partition: '0',
    sequenceNumber: 0,
    enqueuedMs: tsMs,
  };
}

describe('minute aggregates', () => {
  it('keeps flagged outliers out of the statistics but counts them', () => {
    const [a] = aggregateMinutes([
      row(T0, 4),
      row(T0 + 1000, 40, Flag.spike),
      row(T0 + 2000, 5, Flag.unit_converted),
      row(T0 + 3000, 6, Flag.interpolated),
    ]);
    expect(a).toMatchObject({
      count: 3,
      sum: 15,
      sumSq: 77,
      min: 4,
      max: 6,
      firstValue: 4,
      lastValue: 6,
      goodCount: 2,
      flaggedCount: 1,
    });
  });

  it('merging partials equals aggregating the union, in any split and order', () => {
    // Values on a 1/8 grid keep sums exact in binary floating point, so equality is exact.
    const rowsArb = fc.array(
      fc.record({
        dt: fc.integer({ min: 0, max: 59_999 }),
        v: fc.integer({ min: 0, max: 800 }),
        mask: fc.constantFrom(0, Flag.spike, Flag.late, Flag.stuck),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(rowsArb, fc.nat(), (spec, cut) => {
        const rows = spec.map((s) => row(T0 + s.dt, s.v / 8, s.mask));
        const k = cut % (rows.length + 1);
        const whole = aggregateMinutes(rows)[0]!;
        const left = aggregateMinutes(rows.slice(0, k))[0];
        const right = aggregateMinutes(rows.slice(k))[0];
        if (!left || !right) return;
        expect(mergeAggregates(left, right)).toEqual(whole);
        expect(mergeAggregates(right, left)).toEqual(whole);
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('refuses to merge different keys', () => {
    const [a] = aggregateMinutes([row(T0, 1)]);
    const [b] = aggregateMinutes([row(T0 + 60_000, 1)]);
    expect(() => mergeAggregates(a!, b!)).toThrow(/AGG-KEY/);
  });
});
