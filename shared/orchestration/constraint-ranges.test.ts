import { describe, expect, it } from 'vitest';
import { parseUserConstraints } from '../optimize/potline.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { constraintRangeIssues, constraintRanges } from './constraint-ranges.js';

const L1 = TEST_PLANT.line('L1')!.line;
const issues = (constraints: unknown[]) =>
  constraintRangeIssues(parseUserConstraints({ constraints }), L1).map((x) => x.path);

describe('user constraints against the plant', () => {
  it('takes each variable’s range from the plant: optimiser window within the rating, rectifier within the envelope', () => {
    expect(constraintRanges(L1)).toMatchObject({
      acdCm: { lo: 2.2, hi: 4.5 },
      aluminaTargetPct: { lo: 2, hi: 4 },
      alf3TargetPct: { lo: 8, hi: 14 },
      lineCurrentKA: { lo: 110, hi: 135 },
    });
  });

  it('accepts bounds the line can meet, and a freeze', () => {
    expect(
      issues([
        { scope: 'cell', cellId: 'L1-C001', variable: 'acdCm', min: 2.8, max: 3.2 },
        { scope: 'cell', cellId: 'L1-C002', variable: 'aluminaTargetPct', max: 3.5 },
        { scope: 'line', variable: 'lineCurrentKA', min: 120, max: 130 },
        { scope: 'cell', cellId: 'L1-C003', variable: 'acdCm', freeze: true },
      ]),
    ).toEqual([]);
  });

  it('names every bound the line cannot meet: min above max, 500 kA on a 140 kA rectifier, an unrated ACD', () => {
    expect(
      issues([
        { scope: 'cell', cellId: 'L1-C001', variable: 'acdCm', min: 3.5, max: 3.0 },
        { scope: 'line', variable: 'lineCurrentKA', max: 500 },
        { scope: 'line', variable: 'lineCurrentKA', min: 500 },
        { scope: 'cell', cellId: 'L1-C002', variable: 'acdCm', max: 9 },
        { scope: 'cell', cellId: 'L1-C002', variable: 'alf3TargetPct', min: -1 },
      ]),
    ).toEqual(['0.min', '1.max', '2.min', '3.max', '4.min']);
    const [issue] = constraintRangeIssues(
      parseUserConstraints({ constraints: [{ scope: 'line', variable: 'lineCurrentKA', max: 500 }] }),
      L1,
    );
    expect(issue!.issue).toBe(
      "lineCurrentKA max 500 kA is outside line L1's range 110–135 kA (the rectifier's rating 105–140 kA within the safety envelope's 110–135 kA)",
    );
  });
});
