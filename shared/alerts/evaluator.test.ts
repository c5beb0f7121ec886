import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.js';
import { parseAlertRule, type AlertRuleInput } from './rule.js';

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);

/** A clock the test moves by hand. */
function simulatedClock(startMs = T0) {
  let now = startMs;
  return { nowMs: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

const bathTooHot: AlertRuleInput = {
  id: 'bath-hot',
  name: 'Bath temperature high',
  scope: { tag: 'bathTemp', lineId: 'L1' },
  condition: { kind: 'above', raise: 975, clear: 965 },
  raiseForS: 60,
  clearForS: 30,
  severity: 'warning',
  channels: ['teams-ops'],
  escalation: { afterMin: 15, channels: ['sms-shift-lead'], severity: 'critical' },
};

function setup(rules: AlertRuleInput[] = [bathTooHot]) {
  const clock = simulatedClock();
  const evaluator = new AlertEvaluator(rules.map(parseAlertRule), clock);
  /** Feeds one reading of L1-C001 at the clock's time, then moves the clock by stepS. */
  const feed = (value: number, stepS = 10, cellId = 'L1-C001', tag = 'bathTemp') => {
    const t = evaluator.observe({ lineId: cellId.split('-')[0]!, cellId, tag, tsMs: clock.nowMs(), value });
    clock.advance(stepS * 1000);
    return t;
  };
  return { clock, evaluator, feed };
}

describe('alert evaluation', () => {
  it('raises one alert when the threshold is crossed for its duration, not before', () => {
    const { evaluator, feed } = setup();
    const raised = [];
    for (let i = 0; i < 6; i++) raised.push(...feed(980));
    expect(raised).toHaveLength(0); // 50 s above: duration not served
    raised.push(...feed(981), ...feed(982), ...feed(983));
    expect(raised.map((t) => t.action)).toEqual(['raised']);
    expect(raised[0]!.channels).toEqual(['teams-ops']);
    expect(evaluator.book.open()).toHaveLength(1);
  });

  it('does not raise for a breach shorter than the duration', () => {
    const { evaluator, feed } = setup();
    for (let i = 0; i < 5; i++) feed(990);
    feed(970);
    for (let i = 0; i < 5; i++) feed(990);
    expect(evaluator.book.all()).toHaveLength(0);
  });

  it('raises no new alert while the value flaps inside the hysteresis band, and clears once back below clear for its duration', () => {
    const { evaluator, feed } = setup();
    for (let i = 0; i < 8; i++) feed(980);
    expect(evaluator.book.open()).toHaveLength(1);
    const flapping = [];
    for (let i = 0; i < 60; i++) flapping.push(...feed(i % 2 === 0 ? 968 : 978));
    expect(flapping).toHaveLength(0);
    expect(evaluator.book.all()).toHaveLength(1);
    const clearing = [feed(960), feed(961), feed(962), feed(960)].flat();
    expect(clearing.map((t) => t.action)).toEqual(['cleared']);
    expect(evaluator.book.open()).toHaveLength(0);
    // After clearing, a new breach makes a new alert.
    for (let i = 0; i < 8; i++) feed(985);
    expect(evaluator.book.all().map((a) => a.state)).toEqual(['cleared', 'active']);
  });

  it('keeps one alert per cell: two cells give two alerts, one cell never two', () => {
    const { evaluator, feed } = setup();
    for (let i = 0; i < 8; i++) {
      feed(980, 0, 'L1-C001');
      feed(980, 10, 'L1-C002');
    }
    expect(
      evaluator.book
        .open()
        .map((a) => a.cellId)
        .sort(),
    ).toEqual(['L1-C001', 'L1-C002']);
    feed(980, 0, 'L2-C001'); // other line: out of scope
    expect(evaluator.book.open()).toHaveLength(2);
  });

  it('escalates an unacknowledged alert after its delay, once, and never an acknowledged one', () => {
    const { clock, evaluator, feed } = setup();
    for (let i = 0; i < 8; i++) feed(980, 10, 'L1-C001');
    for (let i = 0; i < 8; i++) feed(980, 10, 'L1-C002');
    const [first, second] = evaluator.book.open();
    evaluator.acknowledge(second!.id, 'operator-7');
    clock.set(Date.parse(first!.raisedAt) + 14 * 60_000);
    expect(evaluator.tick()).toHaveLength(0);
    clock.set(Date.parse(second!.raisedAt) + 15 * 60_000);
    const escalated = evaluator.tick();
    expect(escalated.map((t) => [t.action, t.alert.id, t.channels, t.alert.severity])).toEqual([
      ['escalated', first!.id, ['sms-shift-lead'], 'critical'],
    ]);
    clock.advance(60 * 60_000);
    expect(evaluator.tick()).toHaveLength(0);
    expect(evaluator.book.get(second!.id)?.state).toBe('acknowledged');
  });

  it('clears by hand and keeps the history of every step', () => {
    const { evaluator, feed } = setup();
    for (let i = 0; i < 8; i++) feed(980);
    const [alert] = evaluator.book.open();
    evaluator.acknowledge(alert!.id, 'operator-7');
    const cleared = evaluator.clear(alert!.id, 'engineer-2');
    expect(cleared.alert).toMatchObject({ state: 'cleared', clearedBy: 'engineer-2', acknowledgedBy: 'operator-7' });
    expect(cleared.alert.history.map((h) => h.action)).toEqual(['raised', 'acknowledged', 'cleared']);
    expect(() => evaluator.acknowledge(alert!.id, 'x')).toThrow(/ERR-ALERT-STATE/);
  });

  it('judges below, outside-band and rate-of-change conditions with their own hysteresis', () => {
    const { evaluator, feed } = setup([
      {
        id: 'v-low',
        name: 'Voltage low',
        scope: { tag: 'cellVoltage' },
        condition: { kind: 'below', raise: 4.0, clear: 4.1 },
        severity: 'info',
      },
      {
        id: 'h-band',
        name: 'Metal height',
        scope: { tag: 'metalHeight' },
        condition: { kind: 'outside_band', low: { raise: 18, clear: 19 }, high: { raise: 26, clear: 25 } },
        severity: 'warning',
      },
      {
        id: 'v-rate',
        name: 'Voltage jump',
        scope: { tag: 'cellVoltage', cellId: 'L1-C003' },
        condition: { kind: 'rate_of_change', raisePerMin: 6, clearPerMin: 1 },
        severity: 'critical',
      },
    ]);
    feed(3.9, 10, 'L1-C001', 'cellVoltage');
    feed(4.05, 10, 'L1-C001', 'cellVoltage');
    expect(evaluator.book.openFor('v-low', 'L1-C001')?.state).toBe('active');
    feed(4.15, 10, 'L1-C001', 'cellVoltage');
    expect(evaluator.book.openFor('v-low', 'L1-C001')).toBeUndefined();
    feed(27, 10, 'L1-C001', 'metalHeight');
    feed(25.5, 10, 'L1-C001', 'metalHeight');
    expect(evaluator.book.openFor('h-band', 'L1-C001')).toBeDefined();
    feed(24, 10, 'L1-C001', 'metalHeight');
    expect(evaluator.book.openFor('h-band', 'L1-C001')).toBeUndefined();
    feed(4.2, 10, 'L1-C003', 'cellVoltage');
    feed(5.5, 10, 'L1-C003', 'cellVoltage'); // 1.3 V in 10 s = 7.8 V/min
    expect(evaluator.book.openFor('v-rate', 'L1-C003')).toBeDefined();
    feed(5.51, 10, 'L1-C003', 'cellVoltage');
    expect(evaluator.book.openFor('v-rate', 'L1-C003')).toBeUndefined();
  });

  it('raises missing data on the clock and clears it when points return', () => {
    const { clock, evaluator, feed } = setup([
      {
        id: 'silent',
        name: 'No voltage',
        scope: { tag: 'cellVoltage', cellId: 'L1-C009' },
        condition: { kind: 'missing_data', afterS: 120 },
        severity: 'warning',
        channels: ['teams-ops'],
      },
    ]);
    clock.advance(60_000);
    expect(evaluator.tick()).toHaveLength(0);
    clock.advance(61_000);
    expect(evaluator.tick().map((t) => t.action)).toEqual(['raised']);
    clock.advance(600_000);
    expect(evaluator.tick()).toHaveLength(0);
    expect(feed(4.3, 1, 'L1-C009', 'cellVoltage').map((t) => t.action)).toEqual(['cleared']);
  });

  it('rejects a rule whose clear threshold is on the wrong side, naming the field', () => {
    expect(() => parseAlertRule({ ...bathTooHot, condition: { kind: 'above', raise: 960, clear: 970 } })).toThrow(
      /condition\.clear/,
    );
    expect(() => parseAlertRule({ ...bathTooHot, escalation: { afterMin: 0, channels: ['x'] } })).toThrow(
      /escalation\.afterMin/,
    );
  });
});

describe('alert identity', () => {
  it('keeps an alert raised again in the same millisecond apart from the cleared one', () => {
    const evaluator = new AlertEvaluator([parseAlertRule({ ...bathTooHot, raiseForS: 0, clearForS: 0 })], {
      nowMs: () => T0,
    });
    for (const value of [980, 960, 980])
      evaluator.observe({ lineId: 'L1', cellId: 'L1-C001', tag: 'bathTemp', tsMs: T0, value });
    expect(
      evaluator.book
        .all()
        .map((a) => a.state)
        .sort(),
    ).toEqual(['active', 'cleared']);
  });
});
