/**
 * What a telemetry consumer for alerting does with a batch (a second consumer group on the telemetry hub, so
 * ingestion is not slowed): evaluate the rules, detect anomalies, persist changed alerts, notify, and publish
 * each anomaly as `smelter.anomaly.detected`. Anomalies reach people through the `alerts` subscription like any
 * other plant event, so there is one path for them.
 */
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { AlertTransition } from './alert.js';
import { anomalyEvent, type PotlineAnomalyDetector } from './anomaly/potline-detector.js';
import type { AlertEvaluator } from './evaluator.js';
import { dispatch, type Notifier } from './notifier.js';
import type { EvaluablePoint } from './rule.js';
import type { AlertStore } from './store.js';

export interface TelemetryAlertDeps {
  evaluator: AlertEvaluator;
  store: AlertStore;
  notifier: Notifier;
  detector?: PotlineAnomalyDetector;
  publisher?: EventPublisher;
}

export interface TelemetryAlertSummary {
  points: number;
  transitions: Record<string, number>;
  anomaliesPublished: number;
  notificationsSent: number;
  notificationsFailed: { channel: string; alertId: string; error: string }[];
}

/** Evaluates one batch of cleansed points; anomalies are published before the batch is acknowledged (at-least-once). */
export async function evaluateTelemetryBatch(points: readonly EvaluablePoint[], deps: TelemetryAlertDeps): Promise<TelemetryAlertSummary> {
  const transitions: AlertTransition[] = [];
  const anomalies = [];
  for (const p of points) {
    transitions.push(...deps.evaluator.observe(p));
    if (deps.detector) anomalies.push(...deps.detector.observe(p));
  }
  transitions.push(...deps.evaluator.tick());
  if (deps.publisher && anomalies.length > 0) await deps.publisher.publish(anomalies.map((a) => anomalyEvent(a)));
  // The last state of each alert in the batch is what the store needs.
  const latest = new Map(transitions.map((t) => [t.alert.id, t.alert]));
  for (const alert of latest.values()) await deps.store.save(alert);
  const { sent, failed } = await dispatch(deps.notifier, transitions);
  const counts: Record<string, number> = {};
  for (const t of transitions) counts[t.action] = (counts[t.action] ?? 0) + 1;
  return { points: points.length, transitions: counts, anomaliesPublished: deps.publisher ? anomalies.length : 0, notificationsSent: sent, notificationsFailed: failed };
}
