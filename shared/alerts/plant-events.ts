/**
 * Alerts from plant events on the `alerts` subscription: anomalies, failed optimisations, overrides and failed
 * commands. One open alert per event type and subject (a repeat counts on it); the event id travels as the raise's
 * source, so a redelivered event finds the alert it already raised.
 */
import type { PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import type { RaiseRequest } from './alert.js';
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

export function defaultEventPolicies(channels: {
  operations: string[];
  engineering: string[];
  escalation?: string[];
}): Record<string, EventAlertPolicy> {
  return {
    [PlantEventType.anomalyDetected]: {
      severity: 'warning',
      channels: channels.operations,
      title: (e) => `Anomaly${field(e, 'anomalyType') ? ` ${field(e, 'anomalyType')}` : ''} on ${e.subject}`,
    },
    [PlantEventType.optimizationFailed]: {
      severity: 'warning',
      channels: channels.engineering,
      title: (e) => `Optimisation failed for ${e.subject}: ${field(e, 'reason') ?? 'see run'}`,
    },
    [PlantEventType.modelAccuracyDegraded]: {
      severity: 'warning',
      channels: channels.engineering,
      title: (e) => `Model accuracy below ±5 % on line ${e.subject}: ${field(e, 'reason') ?? 'see the run'}`,
    },
    [PlantEventType.overrideChanged]: {
      severity: 'info',
      channels: channels.engineering,
      title: (e) => `Manual override ${field(e, 'mode') ?? 'changed'} on ${e.subject}`,
    },
    [PlantEventType.interlockUnverifiable]: {
      severity: 'critical',
      channels: [...channels.operations, ...channels.engineering],
      title: (e) =>
        `Safety interlock cannot be verified on ${e.subject}: ${field(e, 'reason') ?? 'a safety read failed'}. No set point reaches it until the read works again; check Cosmos DB and the SCADA stores.`,
      ...(channels.escalation?.length
        ? { escalation: { afterMin: COMMAND_FAILED_ESCALATION_MIN, channels: channels.escalation } }
        : {}),
    },
    [PlantEventType.commandFailed]: {
      severity: 'critical',
      channels: [...channels.operations, ...channels.engineering],
      title: (e) => `Set-point command failed on ${e.subject}: ${field(e, 'reason') ?? 'no acknowledgement'}`,
      ...(channels.escalation?.length
        ? { escalation: { afterMin: COMMAND_FAILED_ESCALATION_MIN, channels: channels.escalation } }
        : {}),
    },
  };
}

/**
 * The raise an event calls for, or undefined for event types without a policy. The condition is the event type
 * (with the anomaly type for anomalies, so an anode effect and a temperature drift on one cell are two alerts), the
 * scope is the subject, the raise time is the event time and the event id is the source (a redelivery is recognised).
 */
export function raiseRequestFromEvent(
  event: PlantEvent,
  policies: Readonly<Record<string, EventAlertPolicy>>,
): RaiseRequest | undefined {
  const policy = policies[event.type];
  if (!policy) return undefined;
  const cellId = /^L\d{1,3}-(C\d{3,4}|LINE)$/.test(event.subject) ? event.subject : undefined;
  const anomalyType = event.type === PlantEventType.anomalyDetected ? field(event, 'anomalyType') : undefined;
  // A line-wide event (a run, the model's accuracy) names its line in its data: the alert is filed under that line.
  const lineId = cellId ? cellId.split('-')[0]! : field(event, 'lineId');
  return {
    conditionKey: anomalyType ? `${event.type}/${anomalyType}` : event.type,
    scopeKey: event.subject,
    eventType: event.type,
    title: policy.title(event),
    severity: policy.severity,
    channels: policy.channels,
    atMs: Date.parse(event.time),
    ...(cellId ? { cellId } : {}),
    ...(lineId ? { lineId } : {}),
    detail: `event ${event.id}`,
    sourceId: event.id,
  };
}
