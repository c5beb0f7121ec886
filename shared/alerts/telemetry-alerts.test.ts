import { describe, expect, it } from 'vitest';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { AlertRecords } from './alert-records.js';
import { PotlineAnomalyDetector } from './anomaly/potline-detector.js';
import { AlertEvaluator } from './evaluator.js';
import type { Notification, Notifier } from './notifier.js';
import { parseAlertRule, type AlertRuleInput } from './rule.js';
import { MemoryAlertRuleStore, MemoryAlertStore, type AlertStore } from './store.js';
import { evaluateTelemetryBatch } from './telemetry-alerts.js';
import { TelemetryAlertConsumer } from './telemetry-consumer.js';
import { sweepAlerts } from './alert-sweep.js';

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

const T0 = Date.UTC(2025, 2, 1);
const engineer = { subject: 'eng-1', clientId: 'c', correlationId: 'corr' };
const hotBath: AlertRuleInput = {
  id: 'bath-hot',
  name: 'Bath hot',
  scope: { tag: 'bathTemp' },
  condition: { kind: 'above', raise: 975, clear: 965 },
  raiseForS: 20,
  severity: 'warning',
  channels: ['ops'],
  escalation: { afterMin: 15, channels: ['lead'] },
};
/** A hub body as the plant sends it: one point per body, good quality. */
const body = (cellId: string, tsMs: number, value: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    lineId: cellId.split('-')[0],
    cellId,
    tag: 'bathTemp',
    ts: tsMs,
    value,
    unit: 'C',
    quality: 'good',
    ...extra,
  });

describe('telemetry alert batch', () => {
  it('raises, stores and notifies rule alerts and publishes anomalies as plant events', async () => {
    let now = T0;
    const rule = parseAlertRule({
      id: 'ae',
      name: 'Anode effect',
      scope: { tag: 'cellVoltage' },
      condition: { kind: 'above', raise: 8, clear: 5 },
      severity: 'critical',
      channels: ['ops'],
    });
    const publisher = new RecordingEventPublisher();
    const deps = {
      evaluator: new AlertEvaluator([rule], { nowMs: () => now }),
      records: new AlertRecords({ store: new MemoryAlertStore(), publisher }),
      notifier: new RecordingNotifier(),
      detector: new PotlineAnomalyDetector(),
      publisher,
    };
    const batch = [4.4, 4.5, 35, 36, 4.6].map((value, i) => ({
      lineId: 'L1',
      cellId: 'L1-C005',
      tag: 'cellVoltage',
      tsMs: now + i * 1000,
      value,
    }));
    now += 5000;
    const summary = await evaluateTelemetryBatch(batch, deps);
    expect(summary).toMatchObject({
      points: 5,
      transitions: { raised: 1, cleared: 1 },
      anomaliesPublished: 1,
      notificationsSent: 2,
    });
    expect(publisher.published.map((e) => [e.type, e.subject])).toEqual([
      ['smelter.alert.raised', 'L1-C005'],
      ['smelter.alert.cleared', 'L1-C005'],
      ['smelter.anomaly.detected', 'L1-C005'],
    ]);
    const alert = await deps.records.store.get(deps.notifier.sent[0]!.alert.id);
    expect(alert?.alert).toMatchObject({ state: 'cleared', cellId: 'L1-C005' });
  });
});

describe('telemetry alert consumer', () => {
  async function consumer(store: AlertStore, rules: MemoryAlertRuleStore, clock: { nowMs: () => number }) {
    const notifier = new RecordingNotifier();
    const publisher = new RecordingEventPublisher();
    const c = new TelemetryAlertConsumer({ rules, store, notifier, publisher, clock, refreshMs: 30_000 });
    return { c, notifier, publisher, records: c.records };
  }

  it('skips and counts malformed telemetry without throwing, and judges the good points of the same batch', async () => {
    const rules = new MemoryAlertRuleStore();
    await rules.create(parseAlertRule({ ...hotBath, raiseForS: 0 }), engineer, T0, () => []);
    const { c, notifier } = await consumer(new MemoryAlertStore(), rules, { nowMs: () => T0 });
    const report = await c.handle([
      Buffer.from('{"lineId": "L1",'),
      '',
      Buffer.from([0xff, 0xfe]),
      42,
      null,
      { points: 'nope' },
      body('L1-C001', T0, 990, { tag: 'potPressure' }),
      body('L1-C001', T0, 990, { quality: 'bad' }),
      body('L1-C001', T0, 5000),
      body('L1-C001', T0, 1796, { unit: 'degF' }),
    ]);
    expect(report.skipped).toEqual({
      MALFORMED_JSON: 2,
      EMPTY_BODY: 2,
      SCHEMA_INVALID: 2,
      UNKNOWN_TAG: 1,
      BAD_QUALITY: 1,
      OUT_OF_RANGE: 1,
    });
    expect(report).toMatchObject({ points: 1, transitions: { raised: 1 }, rules: 1 });
    expect(notifier.sent[0]!.alert.lastValue).toBeCloseTo(980, 6);
  });

  it('applies a threshold change after the refresh interval, without a restart', async () => {
    let now = T0;
    const rules = new MemoryAlertRuleStore();
    const created = (await rules.create(parseAlertRule({ ...hotBath, raiseForS: 0 }), engineer, T0, () => []))!.stored;
    const { c } = await consumer(new MemoryAlertStore(), rules, { nowMs: () => now });
    expect((await c.handle([body('L1-C001', now, 972)])).transitions).toEqual({});
    await rules.replace(
      parseAlertRule({ ...hotBath, raiseForS: 0, condition: { kind: 'above', raise: 970, clear: 960 } }),
      engineer,
      now,
      () => [],
      created.etag,
    );
    now += 10_000;
    expect((await c.handle([body('L1-C001', now, 972)])).transitions).toEqual({});
    now += 30_000;
    expect((await c.handle([body('L1-C001', now, 972)])).transitions).toEqual({ raised: 1 });
  });

  it('shares one open alert between two instances and a restart, and clears it from either', async () => {
    let now = T0;
    const clock = { nowMs: () => now };
    const store = new MemoryAlertStore();
    const rules = new MemoryAlertRuleStore();
    await rules.create(parseAlertRule(hotBath), engineer, T0, () => []);
    const one = await consumer(store, rules, clock);
    const two = await consumer(store, rules, clock);
    const hot = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => body('L1-C001', from + i * 10_000, 980));
    // Rebalancing: both instances see the cell's breach before either has refreshed from the store.
    await two.c.handle([]);
    await one.c.handle(hot(now, 3));
    await two.c.handle(hot(now + 5000, 3));
    expect((await store.open()).map((a) => a.occurrences)).toEqual([2]);
    expect([...one.notifier.sent, ...two.notifier.sent].map((n) => n.action)).toEqual(['raised']);

    // A restart: a new consumer reads the open alert and does not raise it again.
    now += 40_000;
    const restarted = await consumer(store, rules, clock);
    const report = await restarted.c.handle(hot(now, 3));
    expect(report.transitions).toEqual({});
    expect(await store.open()).toHaveLength(1);
    now += 40_000;
    expect((await restarted.c.handle([body('L1-C001', now, 960)])).transitions).toEqual({ cleared: 1 });
    expect(await store.open()).toEqual([]);
  });

  it('never escalates an alert a person acknowledged elsewhere, and the sweep escalates when no telemetry comes', async () => {
    let now = T0;
    const clock = { nowMs: () => now };
    const store = new MemoryAlertStore();
    const rules = new MemoryAlertRuleStore();
    await rules.create(parseAlertRule({ ...hotBath, raiseForS: 0 }), engineer, T0, () => []);
    const { c, records, notifier } = await consumer(store, rules, clock);
    await c.handle([body('L1-C001', now, 990), body('L1-C002', now, 990)]);
    const [a, b] = await store.open();
    // Acknowledged through the API: the consumer's book still thinks it active until its next refresh.
    await records.acknowledge(a!.id, 'op-1', now + 60_000);
    now += 16 * 60_000;
    const report = await c.handle([body('L1-C001', now, 990), body('L1-C002', now, 990)]);
    expect(report.transitions).toEqual({ escalated: 1 });
    expect(notifier.sent.filter((n) => n.action === 'escalated').map((n) => n.alert.id)).toEqual([b!.id]);
    expect((await store.get(a!.id))!.alert).toMatchObject({ state: 'acknowledged' });
    expect((await store.get(a!.id))!.alert.escalatedAt).toBeUndefined();

    // A second rule alert, then silence on the hub: the sweep escalates it.
    await c.handle([body('L1-C003', now, 990)]);
    now += 20 * 60_000;
    const swept = await sweepAlerts({ records, rules, policies: {}, notifier }, now);
    expect(swept).toMatchObject({ escalated: 1, notificationsSent: 1 });
    expect(notifier.sent.at(-1)).toMatchObject({ action: 'escalated', channel: 'lead', alert: { cellId: 'L1-C003' } });
  });
});
