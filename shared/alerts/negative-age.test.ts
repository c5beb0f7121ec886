/**
 * Every alerting check that uses an age treats a time dated ahead of the clock (a negative age beyond the clock-skew
 * allowance) as stale, never as "just now": such a time cannot have happened, and believing it blinds the check.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { CellAnomalyDetector } from './anomaly/cell-detector.js';
import { escalationDue } from './escalation.js';
import { AlertEvaluator } from './evaluator.js';
import { parseAlertRule } from './rule.js';

const T0 = Date.UTC(2026, 10, 22, 8);
const YEAR_2099 = Date.UTC(2099, 0, 1);

describe('negative ages are stale', () => {
  it('the evaluator does not let a point dated ahead of the clock hide the real points after it', () => {
    let now = T0;
    const rule = parseAlertRule({
      id: 'hot',
      name: 'Bath hot',
      scope: { tag: 'bathTemp' },
      condition: { kind: 'above', raise: 975, clear: 965 },
      severity: 'warning',
      channels: ['ops'],
    });
    const evaluator = new AlertEvaluator([rule], { nowMs: () => now });
    const point = (tsMs: number, value: number) => ({ lineId: 'L1', cellId: 'L1-C001', tag: 'bathTemp', tsMs, value });
    expect(evaluator.observe(point(YEAR_2099, 990))).toEqual([]);
    now = T0 + 1000;
    expect(evaluator.observe(point(T0 + 1000, 990)).map((t) => t.action)).toEqual(['raised']);
  });

  it('missing data fires when the newest point of a scope is dated ahead of the clock (the clock was stepped back)', () => {
    let now = T0 + 2 * 3_600_000;
    const rule = parseAlertRule({
      id: 'silent',
      name: 'Silent',
      scope: { tag: 'cellVoltage', cellId: 'L1-C001' },
      condition: { kind: 'missing_data', afterS: 60 },
      severity: 'warning',
      channels: ['ops'],
    });
    const evaluator = new AlertEvaluator([rule], { nowMs: () => now });
    evaluator.observe({ lineId: 'L1', cellId: 'L1-C001', tag: 'cellVoltage', tsMs: now, value: 4.3 });
    expect(evaluator.tick()).toEqual([]);
    // NTP steps the host's clock back two hours: the newest point is now dated ahead of it, which proves nothing.
    now = T0;
    expect(evaluator.tick().map((t) => t.action)).toEqual(['raised']);
  });

  it('a detector whose last firing is dated ahead of a point is not in its quiet period', () => {
    const d = new CellAnomalyDetector('L1-C001', 'L1');
    // Metal height falls 2 cm below its 10-minute peak: a tap. The first one is dated 2099.
    expect(d.observe('metalHeight', YEAR_2099, 20).length + d.observe('metalHeight', YEAR_2099 + 1000, 18).length).toBe(
      1,
    );
    const real = [...d.observe('metalHeight', T0, 20), ...d.observe('metalHeight', T0 + 1000, 18)];
    expect(real.map((a) => a.anomalyType)).toEqual(['metal_tap']);
  });

  it('an alert raised "in the future" escalates at once instead of never', () => {
    const alert = { state: 'active', raisedAt: new Date(YEAR_2099).toISOString() } as Alert;
    const plan = { afterMin: 15, channels: ['lead'] };
    expect(escalationDue(alert, plan, T0)).toBe(true);
    expect(escalationDue({ ...alert, raisedAt: new Date(T0 + 60_000).toISOString() }, plan, T0)).toBe(false);
    expect(escalationDue({ ...alert, raisedAt: new Date(T0).toISOString() }, plan, T0 + 16 * 60_000)).toBe(true);
  });
});
