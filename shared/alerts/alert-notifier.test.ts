import { describe, expect, it } from 'vitest';
import { cloudEvent } from '../messaging/cloud-event.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { AlertRecords } from './alert-records.js';
import { handleAlertEvent } from './alert-notifier.js';
import { sweepAlerts } from './alert-sweep.js';
import type { Notification, Notifier } from './notifier.js';
import { defaultEventPolicies } from './plant-events.js';
import { MemoryAlertRuleStore, MemoryAlertStore } from './store.js';

/** A notifier that keeps what it was asked to send (a real Notifier implementation, in memory). */
class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

const failed = (i: number, subject = 'L1-C010') =>
  cloudEvent(
    PlantEventType.commandFailed,
    subject,
    { commandId: `cmd-${i}`, reason: 'no PLC acknowledgement' },
    { id: `cmd-${i}/failed`, source: '/functions/scadaDispatcher', time: new Date(Date.UTC(2025, 2, 1, 9, i)) },
  );

function setup(channels: { operations: string[]; engineering: string[]; escalation?: string[] }) {
  const publisher = new RecordingEventPublisher();
  const records = new AlertRecords({ store: new MemoryAlertStore(), publisher });
  return { publisher, records, notifier: new RecordingNotifier(), policies: defaultEventPolicies(channels) };
}

describe('alert notifier', () => {
  it('raises one alert per event type and subject, counts repeats, and ignores a redelivered event', async () => {
    const deps = setup({ operations: ['teams-ops'], engineering: ['mail-eng'] });
    const first = await handleAlertEvent(failed(1), deps);
    expect(first).toMatchObject({ action: 'raised', sent: 2 });
    expect(await handleAlertEvent(failed(1), deps)).toMatchObject({ action: 'ignored', alertId: first.alertId });
    expect(await handleAlertEvent(failed(2), deps)).toMatchObject({
      action: 'repeated',
      alertId: first.alertId,
      sent: 0,
    });
    expect(await handleAlertEvent(failed(3, 'L1-C011'), deps)).toMatchObject({ action: 'raised' });
    const open = await deps.records.store.open();
    expect(open).toHaveLength(2);
    expect(open.find((a) => a.id === first.alertId)).toMatchObject({
      occurrences: 2,
      severity: 'critical',
      cellId: 'L1-C010',
      lineId: 'L1',
    });
    expect(deps.notifier.sent.map((n) => n.channel)).toEqual(['teams-ops', 'mail-eng', 'teams-ops', 'mail-eng']);
    expect(deps.publisher.published.map((e) => [e.type, e.subject])).toEqual([
      ['smelter.alert.raised', 'L1-C010'],
      ['smelter.alert.raised', 'L1-C011'],
    ]);
  });

  it('ignores a redelivery of the raising event even after the alert was cleared', async () => {
    const deps = setup({ operations: ['teams-ops'], engineering: [] });
    const first = await handleAlertEvent(failed(1), deps);
    await deps.records.clear(first.alertId!, Date.UTC(2025, 2, 1, 9, 30), 'eng-1');
    expect(await handleAlertEvent(failed(1), deps)).toMatchObject({ action: 'ignored' });
    expect(await deps.records.store.open()).toEqual([]);
  });

  it('keeps anomalies of different types on one cell apart', async () => {
    const deps = setup({ operations: ['teams-ops'], engineering: [] });
    const anomaly = (type: string, minute: number) =>
      cloudEvent(
        PlantEventType.anomalyDetected,
        'L2-C004',
        { anomalyType: type },
        { id: `${type}/${minute}`, source: '/x', time: new Date(Date.UTC(2025, 2, 1, 9, minute)) },
      );
    await handleAlertEvent(anomaly('anode_effect', 1), deps);
    await handleAlertEvent(anomaly('temperature_drift', 2), deps);
    await handleAlertEvent(anomaly('anode_effect', 3), deps);
    const open = await deps.records.store.open();
    expect(open.map((a) => [a.conditionKey, a.occurrences]).sort()).toEqual([
      ['smelter.anomaly.detected/anode_effect', 2],
      ['smelter.anomaly.detected/temperature_drift', 1],
    ]);
  });

  it('ignores event types without a policy', async () => {
    const deps = setup({ operations: [], engineering: [] });
    const e = cloudEvent(
      PlantEventType.optimizationCompleted,
      'L1',
      {},
      { id: 'run-1', source: '/x', time: '2025-03-01T00:00:00Z' },
    );
    expect(await handleAlertEvent(e, deps)).toEqual({ action: 'ignored', sent: 0, failed: [] });
  });

  it('escalates on the sweep a failed-command alert left unacknowledged for 10 minutes, once, and not one that was acknowledged', async () => {
    const deps = setup({ operations: ['teams-ops'], engineering: [], escalation: ['sms-lead'] });
    const a = await handleAlertEvent(failed(1, 'L1-C001'), deps);
    const b = await handleAlertEvent(failed(1, 'L1-C002'), deps);
    const raisedMs = Date.UTC(2025, 2, 1, 9, 1);
    await deps.records.acknowledge(b.alertId!, 'operator-3', raisedMs + 60_000);
    const sweepDeps = { ...deps, rules: new MemoryAlertRuleStore() };
    expect(await sweepAlerts(sweepDeps, raisedMs + 9 * 60_000)).toMatchObject({ open: 2, escalated: 0 });
    deps.notifier.sent.length = 0;
    expect(await sweepAlerts(sweepDeps, raisedMs + 10 * 60_000)).toMatchObject({ escalated: 1, notificationsSent: 1 });
    expect(deps.notifier.sent.map((n) => [n.alert.id, n.channel, n.action])).toEqual([
      [a.alertId, 'sms-lead', 'escalated'],
    ]);
    expect(await sweepAlerts(sweepDeps, raisedMs + 60 * 60_000)).toMatchObject({ escalated: 0 });
    expect(
      deps.publisher.published
        .filter((e) => e.type === 'smelter.alert.escalated')
        .map((e) => (e.data as { alertId: string }).alertId),
    ).toEqual([a.alertId]);
  });
});
