/**
 * When an alert left unacknowledged escalates, and to whom: a rule's `escalation`, or for alerts from plant events
 * their policy's. Pure, so the evaluator (on telemetry) and the alert sweep timer (when no event arrives) judge alike.
 */
import type { Alert } from './alert.js';
import type { EventAlertPolicy } from './plant-events.js';
import type { AlertRule, Severity } from './rule.js';

export interface EscalationPlan {
  afterMin: number;
  channels: string[];
  severity?: Severity;
}

/** The escalation that applies to an alert, if any. */
export function escalationPlanFor(
  alert: Alert,
  rules: ReadonlyMap<string, AlertRule>,
  policies: Readonly<Record<string, EventAlertPolicy>>,
): EscalationPlan | undefined {
  if (alert.ruleId !== undefined) return rules.get(alert.ruleId)?.escalation;
  return alert.eventType !== undefined ? policies[alert.eventType]?.escalation : undefined;
}

/** How far ahead of the clock an alert's raise time may be (plant clocks), ms; further ahead it is no wait at all. */
const RAISED_AHEAD_TOLERANCE_MS = 5 * 60_000;

/**
 * True when the alert is active, not yet escalated, and has waited its plan's delay at `nowMs`. An alert raised
 * "in the future" (a negative age beyond the tolerance) escalates at once: its wait would otherwise never end.
 */
export function escalationDue(alert: Alert, plan: EscalationPlan | undefined, nowMs: number): plan is EscalationPlan {
  if (plan === undefined || alert.state !== 'active' || alert.escalatedAt) return false;
  const waitedMs = nowMs - Date.parse(alert.raisedAt);
  return waitedMs >= plan.afterMin * 60_000 || waitedMs < -RAISED_AHEAD_TOLERANCE_MS || Number.isNaN(waitedMs);
}

/** The open alerts due for escalation at `nowMs`, with their plans. */
export function dueEscalations(
  open: readonly Alert[],
  rules: readonly AlertRule[],
  policies: Readonly<Record<string, EventAlertPolicy>>,
  nowMs: number,
): { alert: Alert; plan: EscalationPlan }[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out: { alert: Alert; plan: EscalationPlan }[] = [];
  for (const alert of open) {
    const plan = escalationPlanFor(alert, byId, policies);
    if (escalationDue(alert, plan, nowMs)) out.push({ alert, plan });
  }
  return out;
}
