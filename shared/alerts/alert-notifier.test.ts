import { describe, expect, it } from 'vitest';
import { cloudEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { AlertBook } from './alert.js';
import { handleAlertEvent } from './alert-notifier.js';
import type { Notification, Notifier } from './notifier.js';
import { defaultEventPolicies, escalateEventAlerts } from './plant-events.js';
import { MemoryAlertStore } from './store.js';

/** A notifier that keeps what it was asked to send (a real Notifier implementation, in memory). */
class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

const failed = (i: number, subject = 'L1-C010') =>
  cloudEvent(PlantEventType.commandFailed, subject, { commandId: `cmd-${i}`, reason: 'no PLC acknowledgement' }, { id: `cmd-${i}/failed`, source: '/functions/scadaDispatcher', time: new Date(Date.UTC(2025, 2, 1, 9, i)) });

describe('alert notifier', () => {
  it('raises one alert per event type and subject, counts repeats, and ignores a redelivered event', async () => {
    const deps = { book: new AlertBook(), store: new MemoryAlertStore(), notifier: new RecordingNotifier(), policies: defaultEventPolicies({ operations: ['teams-ops'], engineering: ['mail-eng'] }) };
    const first = await handleAlertEvent(failed(1), deps);
    expect(first).toMatchObject({ action: 'raised', sent: 2 });
    expect(await handleAlertEvent(failed(1), deps)).toMatchObject({ action: 'ignored' });
    expect(await handleAlertEvent(failed(2), deps)).toMatchObject({ action: 'repeated', alertId: first.alertId, sent: 0 });
    expect(await handleAlertEvent(failed(3, 'L1-C011'), deps)).toMatchObject({ action: 'raised' });
    const open = await deps.store.open();
    expect(open).toHaveLength(2);
    expect(open.find((a) => a.id === first.alertId)).toMatchObject({ occurrences: 2, severity: 'critical', cellId: 'L1-C010', lineId: 'L1' });
    expect(deps.notifier.sent.map((n) => n.channel)).toEqual(['teams-ops', 'mail-eng', 'teams-ops', 'mail-eng']);
  });

  it('ignores event types without a policy', async () => {
    const deps = { book: new AlertBook(), store: new MemoryAlertStore(), notifier: new RecordingNotifier(), policies: defaultEventPolicies({ operations: [], engineering: [] }) };
    const e = cloudEvent(PlantEventType.optimizationCompleted, 'L1', {}, { id: 'run-1', source: '/x', time: '2025-03-01T00:00:00Z' });
    expect(await handleAlertEvent(e, deps)).toEqual({ action: 'ignored', sent: 0, failed: [] });
  });

  it('escalates a failed-command alert left unacknowledged for 10 minutes, and not one that was acknowledged', async () => {
    const policies = defaultEventPolicies({ operations: ['teams-ops'], engineering: [], escalation: ['sms-lead'] });
    const deps = { book: new AlertBook(), store: new MemoryAlertStore(), notifier: new RecordingNotifier(), policies };
    const a = await handleAlertEvent(failed(1, 'L1-C001'), deps);
    const b = await handleAlertEvent(failed(1, 'L1-C002'), deps);
    const raisedMs = Date.UTC(2025, 2, 1, 9, 1);
    deps.book.acknowledge(b.alertId!, 'operator-3', raisedMs + 60_000);
    expect(escalateEventAlerts(deps.book, raisedMs + 9 * 60_000, policies)).toHaveLength(0);
    const escalated = escalateEventAlerts(deps.book, raisedMs + 10 * 60_000, policies);
    expect(escalated.map((t) => [t.alert.id, t.channels])).toEqual([[a.alertId, ['sms-lead']]]);
    expect(escalateEventAlerts(deps.book, raisedMs + 60 * 60_000, policies)).toHaveLength(0);
  });
});
