/**
 * Alerts from plant events on the `alerts` subscription: anomalies, failed optimisations, overrides and failed
 * commands. One open alert per event type and subject (a repeat counts on it); the raise time is the event time,
 * so a redelivered event finds the alert it already raised.
 */
import type { PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import type { AlertBook, AlertTransition } from './alert.js';
import type { Severity } from './rule.js';

export interface EventAlertPolicy {
  severity: Severity;
  channels: string[];
  title: (e: PlantEvent) => string;
  /** Escalate when still unacknowledged after this long (same meaning as a rule's escalation). */
  escalation?: { afterMin: number; channels: string[]; severity?: Severity };
}

const field = (e: PlantEvent, name: string): string | undefined => {
  const v = e.data !== null && typeof e.data === 'object' ? (e.data as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
};

/** Default policies; the channel ids name entries of the channel configuration. */
/** A failed set-point command leaves a cell off its optimum with nobody sure what the PLC did: escalate within 10 min. */
const COMMAND_FAILED_ESCALATION_MIN = 10;

export function defaultEventPolicies(channels: { operations: string[]; engineering: string[]; escalation?: string[] }): Record<string, EventAlertPolicy> {
  return {
    [PlantEventType.anomalyDetected]: { severity: 'warning', channels: channels.operations, title: (e) => `Anomaly${field(e, 'anomalyType') ? ` ${field(e, 'anomalyType')}` : ''} on ${e.subject}` },
    [PlantEventType.optimizationFailed]: { severity: 'warning', channels: channels.engineering, title: (e) => `Optimisation failed for ${e.subject}: ${field(e, 'reason') ?? 'see run'}` },
    [PlantEventType.overrideChanged]: { severity: 'info', channels: channels.engineering, title: (e) => `Manual override ${field(e, 'mode') ?? 'changed'} on ${e.subject}` },
    [PlantEventType.commandFailed]: {
      severity: 'critical',
      channels: [...channels.operations, ...channels.engineering],
      title: (e) => `Set-point command failed on ${e.subject}: ${field(e, 'reason') ?? 'no acknowledgement'}`,
      ...(channels.escalation?.length ? { escalation: { afterMin: COMMAND_FAILED_ESCALATION_MIN, channels: channels.escalation } } : {}),
    },
  };
}

/** Raises (or repeats) the alert an event calls for; undefined for event types without a policy. */
export function alertFromPlantEvent(book: AlertBook, event: PlantEvent, policies: Record<string, EventAlertPolicy>): AlertTransition | undefined {
  const policy = policies[event.type];
  if (!policy) return undefined;
  const atMs = Date.parse(event.time);
  const open = book.openFor(event.type, event.subject);
  // Redelivery of the event that raised the open alert: nothing new happened.
  if (open && (open.raisedAt === new Date(atMs).toISOString() || open.history.some((h) => h.detail === `event ${event.id}`))) return undefined;
  const cellId = /^L\d{1,3}-(C\d{3,4}|LINE)$/.test(event.subject) ? event.subject : undefined;
  return book.raise({
    conditionKey: event.type,
    scopeKey: event.subject,
    eventType: event.type,
    title: policy.title(event),
    severity: policy.severity,
    channels: policy.channels,
    atMs,
    ...(cellId ? { cellId, lineId: cellId.split('-')[0]! } : {}),
    detail: `event ${event.id}`,
  });
}

/** Escalates open event alerts left unacknowledged past their policy's delay; call on a timer with the clock's now. */
export function escalateEventAlerts(book: AlertBook, nowMs: number, policies: Record<string, EventAlertPolicy>): AlertTransition[] {
  const out: AlertTransition[] = [];
  for (const alert of book.open()) {
    const escalation = alert.eventType ? policies[alert.eventType]?.escalation : undefined;
    if (!escalation || alert.state !== 'active') continue;
    if (nowMs - Date.parse(alert.raisedAt) < escalation.afterMin * 60_000) continue;
    const t = book.escalate(alert.id, nowMs, escalation.channels, escalation.severity);
    if (t) out.push(t);
  }
  return out;
}
