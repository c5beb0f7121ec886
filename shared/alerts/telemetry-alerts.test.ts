import { describe, expect, it } from 'vitest';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { PotlineAnomalyDetector } from './anomaly/potline-detector.js';
import { AlertEvaluator } from './evaluator.js';
import type { Notification, Notifier } from './notifier.js';
import { parseAlertRule } from './rule.js';
import { MemoryAlertStore } from './store.js';
import { evaluateTelemetryBatch } from './telemetry-alerts.js';

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

describe('telemetry alert batch', () => {
  it('raises, stores and notifies rule alerts and publishes anomalies as plant events', async () => {
    let now = Date.UTC(2025, 2, 1);
    const rule = parseAlertRule({ id: 'ae', name: 'Anode effect', scope: { tag: 'cellVoltage' }, condition: { kind: 'above', raise: 8, clear: 5 }, severity: 'critical', channels: ['ops'] });
    const deps = { evaluator: new AlertEvaluator([rule], { nowMs: () => now }), store: new MemoryAlertStore(), notifier: new RecordingNotifier(), detector: new PotlineAnomalyDetector(), publisher: new RecordingEventPublisher() };
    const batch = [4.4, 4.5, 35, 36, 4.6].map((value, i) => ({ lineId: 'L1', cellId: 'L1-C005', tag: 'cellVoltage', tsMs: now + i * 1000, value }));
    now += 5000;
    const summary = await evaluateTelemetryBatch(batch, deps);
    expect(summary).toMatchObject({ points: 5, transitions: { raised: 1, cleared: 1 }, anomaliesPublished: 1, notificationsSent: 2 });
    expect(deps.publisher.published.map((e) => [e.type, e.subject])).toEqual([['smelter.anomaly.detected', 'L1-C005']]);
    const alert = await deps.store.get(deps.notifier.sent[0]!.alert.id);
    expect(alert).toMatchObject({ state: 'cleared', cellId: 'L1-C005' });
  });
});
