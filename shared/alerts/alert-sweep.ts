/**
 * What runs on the alert sweep timer, when no telemetry or plant event may arrive to drive it: escalate the open
 * alerts left unacknowledged past their delay (rule alerts and plant-event alerts alike) and tell the escalation
 * channels. (Alert changes a failed publish left in the outbox are the outbox sweep's: functions/fanout/outbox-sweep.ts.)
 */
import type { AlertRecords } from './alert-records.js';
import { dueEscalations } from './escalation.js';
import { dispatch, type Notifier } from './notifier.js';
import type { EventAlertPolicy } from './plant-events.js';
import type { AlertRuleStore } from './store.js';

export interface AlertSweepDeps {
  records: AlertRecords;
  rules: AlertRuleStore;
  policies: Readonly<Record<string, EventAlertPolicy>>;
  notifier: Notifier;
}

export interface AlertSweepSummary {
  open: number;
  escalated: number;
  notificationsSent: number;
  notificationsFailed: { channel: string; alertId: string; error: string }[];
}

/** One sweep at `nowMs`. Escalating is idempotent in the store, so a sweep racing the telemetry consumer notifies once. */
export async function sweepAlerts(deps: AlertSweepDeps, nowMs: number): Promise<AlertSweepSummary> {
  const [open, rules] = await Promise.all([deps.records.store.open(), deps.rules.list()]);
  const transitions = [];
  for (const { alert, plan } of dueEscalations(open, rules, deps.policies, nowMs)) {
    const { transition } = await deps.records.escalate(alert.id, nowMs, plan.channels, plan.severity);
    if (transition) transitions.push(transition);
  }
  const { sent, failed } = await dispatch(deps.notifier, transitions);
  return {
    open: open.length,
    escalated: transitions.length,
    notificationsSent: sent,
    notificationsFailed: failed,
  };
}
