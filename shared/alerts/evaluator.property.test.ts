import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.js';
import { parseAlertRule } from './rule.js';

const rule = parseAlertRule({
  id: 'hot',
  name: 'Hot',
  scope: { tag: 'bathTemp' },
  condition: { kind: 'above', raise: 975, clear: 965 },
  severity: 'warning',
  channels: ['ops'],
});

describe('alert evaluation, any stream', () => {
  it('never holds two open alerts for one rule and cell, and raises exactly once per excursion past raise after a clear', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.double({ min: 950, max: 990, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        (stream) => {
          let now = 0;
          const evaluator = new AlertEvaluator([rule], { nowMs: () => now });
          const modelActive = new Map<string, boolean>();
          let modelRaises = 0;
          for (const [cell, value] of stream) {
            now += 1000;
            const cellId = `L1-C00${cell + 1}`;
            evaluator.observe({ lineId: 'L1', cellId, tag: 'bathTemp', tsMs: now, value });
            // Reference: the hysteresis state machine of the rule, per cell.
            if (!modelActive.get(cellId) && value > 975) {
              modelActive.set(cellId, true);
              modelRaises++;
            } else if (modelActive.get(cellId) && value <= 965) {
              modelActive.set(cellId, false);
            }
            const open = evaluator.book.open();
            expect(new Set(open.map((a) => a.cellId)).size).toBe(open.length);
          }
          expect(evaluator.book.all()).toHaveLength(modelRaises);
          expect(
            evaluator.book
              .open()
              .map((a) => a.cellId)
              .sort(),
          ).toEqual(
            [...modelActive]
              .filter(([, active]) => active)
              .map(([c]) => c)
              .sort(),
          );
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
