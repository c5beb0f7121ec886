import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertSorted, madOfSorted, medianOfSorted, removeSorted } from './robust-stats.js';

function naive(values: number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b);
  const mid = (a: number[]) => (a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2);
  const m = mid(s);
  return [m, mid(s.map((x) => Math.abs(x - m)).sort((a, b) => a - b))];
}

describe('robust statistics on a sorted window', () => {
  it('median and MAD match the textbook definition', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 41 }), (xs) => {
        const values = xs.map((x) => x / 8);
        const sorted = new Float64Array(values.length);
        values.forEach((v, i) => insertSorted(sorted, i, v));
        const [m, mad] = naive(values);
        expect(medianOfSorted(sorted, values.length)).toBe(m);
        expect(madOfSorted(sorted, values.length, m)).toBe(mad);
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  it('removes the value asked for and keeps the rest sorted', () => {
    const s = new Float64Array([1, 2, 2, 5]);
    expect(removeSorted(s, 4, 2)).toBe(true);
    expect([...s.subarray(0, 3)]).toEqual([1, 2, 5]);
    expect(removeSorted(s, 3, 7)).toBe(false);
  });
});
