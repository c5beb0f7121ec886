/**
 * What a telemetry consumer for alerting does with a batch (a second consumer group on the telemetry hub, so
 * ingestion is not slowed): evaluate the rules, detect anomalies, apply every alert change to the store, notify,
 * and publish each anomaly as `smelter.anomaly.detected`. Anomalies reach people through the `alerts` subscription
 * like any other plant event, so there is one path for them.
 *
 * The evaluator judges on its in-memory book; each change it proposes is applied to the store (the truth), and the
 * book takes what the store decided: an alert another instance raised, one a person acknowledged or cleared.
 */
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { AlertTransition, RaiseRequest } from './alert.js';
import type { Alert } from './alert.js';
import type { AlertRecords, Applied } from './alert-records.js';
import { anomalyEvent, type PotlineAnomalyDetector } from './anomaly/potline-detector.js';
import { AlertError } from './errors.js';
import type { AlertEvaluator } from './evaluator.js';
import { dispatch, type Notifier } from './notifier.js';
import type { EvaluablePoint } from './rule.js';

export interface TelemetryAlertDeps {
  evaluator: AlertEvaluator;
  records: AlertRecords;
  notifier: Notifier;
  detector?: PotlineAnomalyDetector;
  /** Publishes anomalies (alert state changes go through `records`). */
  publisher?: EventPublisher;
}

export interface TelemetryAlertSummary {
  points: number;
  /** Changes the store took, by action. */
  transitions: Record<string, number>;
  anomaliesPublished: number;
  notificationsSent: number;
  notificationsFailed: { channel: string; alertId: string; error: string }[];
}

/** Evaluates one batch of cleansed points; anomalies are published before the batch is acknowledged (at-least-once). */
export async function evaluateTelemetryBatch(
  points: readonly EvaluablePoint[],
  deps: TelemetryAlertDeps,
): Promise<TelemetryAlertSummary> {
  const applied: AlertTransition[] = [];
  const anomalies = [];
  for (const p of points) {
    for (const proposed of deps.evaluator.observe(p)) {
      const t = await applyToStore(proposed, deps);
      if (t) applied.push(t);
    }
    if (deps.detector) anomalies.push(...deps.detector.observe(p));
  }
  for (const proposed of deps.evaluator.tick()) {
    const t = await applyToStore(proposed, deps);
    if (t) applied.push(t);
  }
  deps.evaluator.book.forgetCleared();
  if (deps.publisher && anomalies.length > 0) await deps.publisher.publish(anomalies.map((a) => anomalyEvent(a)));
  const { sent, failed } = await dispatch(deps.notifier, applied);
  const counts: Record<string, number> = {};
  for (const t of applied) counts[t.action] = (counts[t.action] ?? 0) + 1;
  return {
    points: points.length,
    transitions: counts,
    anomaliesPublished: deps.publisher ? anomalies.length : 0,
    notificationsSent: sent,
    notificationsFailed: failed,
  };
}

/** Applies a change the evaluator proposes to the store and lets the book take the stored result; the transition to notify, if any. */
async function applyToStore(proposed: AlertTransition, deps: TelemetryAlertDeps): Promise<AlertTransition | undefined> {
  const a = proposed.alert;
  let result: Applied;
  try {
    switch (proposed.action) {
      case 'raised':
        result = await deps.records.raise(raiseRequestOf(a));
        break;
      case 'cleared':
        result = await deps.records.clear(
          a.id,
          Date.parse(a.clearedAt ?? a.raisedAt),
          a.clearedBy,
          a.history.at(-1)?.detail,
        );
        break;
      case 'escalated':
        result = await deps.records.escalate(
          a.id,
          Date.parse(a.escalatedAt ?? a.raisedAt),
          proposed.channels,
          a.severity,
        );
        break;
      default:
        return proposed;
    }
  } catch (e) {
    // The store does not know the alert (removed meanwhile): the book forgets it too.
    if (e instanceof AlertError && e.code === 'ERR-ALERT-NOT-FOUND') {
      deps.evaluator.book.adopt(a.id, undefined);
      return undefined;
    }
    throw e;
  }
  deps.evaluator.book.adopt(a.id, result.alert);
  return result.transition;
}

/** The raise the evaluator made, as a request to the store. */
function raiseRequestOf(a: Alert): RaiseRequest {
  return {
    conditionKey: a.conditionKey,
    scopeKey: a.scopeKey,
    title: a.title,
    severity: a.severity,
    channels: a.channels,
    atMs: Date.parse(a.raisedAt),
    ...(a.ruleId ? { ruleId: a.ruleId } : {}),
    ...(a.lineId ? { lineId: a.lineId } : {}),
    ...(a.cellId ? { cellId: a.cellId } : {}),
    ...(a.tag ? { tag: a.tag } : {}),
    ...(a.lastValue !== undefined ? { value: a.lastValue } : {}),
    ...(a.history[0]?.detail ? { detail: a.history[0].detail } : {}),
  };
}
