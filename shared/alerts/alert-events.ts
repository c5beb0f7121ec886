/**
 * Alert history as plant events: every state change of an alert (raised, acknowledged, escalated, cleared) is
 * published as `smelter.alert.<verb>`. They go to the `ledger` subscription only (never to `alerts`, which would
 * feed alerts back into the notifier); the ledger writer archives each payload in the lake, and gold curation builds
 * `fact_alert` from them. `data` carries every fact_alert column (shared/gold/schema.ts) and the alert's keys.
 */
import { z } from 'zod';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { AlertState, type Alert } from './alert.js';
import { Severity } from './rule.js';

/** The state changes published; a repeat is counted on the alert and not published. */
export const AlertChangeVerb = z.enum(['raised', 'acknowledged', 'escalated', 'cleared']);
export type AlertChangeVerb = z.infer<typeof AlertChangeVerb>;

/** `smelter.alert.<verb>` for a state change. */
export const alertEventType = (verb: AlertChangeVerb) => `smelter.alert.${verb}` as const;

/** `data` of `smelter.alert.*`: the alert as it stood right after the change. */
export const AlertChangedData = z
  .object({
    alertId: z.string(),
    action: AlertChangeVerb,
    /** When the change happened, epoch ms (the event's `time`). */
    atMs: z.number().int(),
    /** Token subject of the person who made the change (acknowledged, cleared by hand). */
    by: z.string().optional(),
    // fact_alert columns.
    /** Potline the alert is about; null for alerts about no line (e.g. an optimisation run). */
    lineId: z.string().nullable(),
    cellId: z.string().nullable(),
    /** UTC date of the raise as YYYYMMDD (dim_date.dateKey). */
    dateKey: z.number().int(),
    raisedMs: z.number().int(),
    /** The rule id, or for alerts from plant events the condition (event type, and anomaly type for anomalies). */
    rule: z.string(),
    severity: Severity,
    acknowledgedMs: z.number().int().nullable(),
    /** Escalation steps taken (0 or 1: an alert escalates once). */
    escalationLevel: z.number().int().min(0),
    // The alert's keys and state.
    state: AlertState,
    conditionKey: z.string(),
    scopeKey: z.string(),
    generation: z.number().int().min(1),
    title: z.string(),
    occurrences: z.number().int().min(1),
    clearedMs: z.number().int().nullable(),
  })
  .strict();
export type AlertChangedData = z.infer<typeof AlertChangedData>;

/** Line of a scope such as `L1-C005`, `L1-LINE`, `cell:L1-C005`, `line:L2` or `L3`; undefined when there is none. */
export function lineOfScope(scopeKey: string): string | undefined {
  return /^(?:cell:|line:)?(L\d{1,3})(?:-|$)/.exec(scopeKey)?.[1];
}

const msOf = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

/** The change record of `alert` right after `action` (at `atMs`, by `by`). */
export function alertChangeOf(alert: Alert, action: AlertChangeVerb, atMs: number, by?: string): AlertChangedData {
  const raisedMs = Date.parse(alert.raisedAt);
  return AlertChangedData.parse({
    alertId: alert.id,
    action,
    atMs,
    ...(by ? { by } : {}),
    lineId: alert.lineId ?? lineOfScope(alert.scopeKey) ?? null,
    cellId: alert.cellId ?? null,
    dateKey: Number(alert.raisedAt.slice(0, 10).replaceAll('-', '')),
    raisedMs,
    rule: alert.ruleId ?? alert.conditionKey,
    severity: alert.severity,
    acknowledgedMs: msOf(alert.acknowledgedAt),
    escalationLevel: alert.escalatedAt ? 1 : 0,
    state: alert.state,
    conditionKey: alert.conditionKey,
    scopeKey: alert.scopeKey,
    generation: alert.generation,
    title: alert.title,
    occurrences: alert.occurrences,
    clearedMs: msOf(alert.clearedAt),
  });
}

/**
 * CloudEvents `source` of every alert event, whichever function publishes it (telemetry consumer, notifier, sweep,
 * API): the event id is derived from it, so the same change published from two places is one event.
 */
export const ALERT_EVENT_SOURCE = '/alerts';

/** The plant event of a change; its id comes from the alert id and the verb (each happens once per alert), so a re-send is dropped. */
export function alertChangedEvent(change: AlertChangedData): PlantEvent {
  return cloudEvent(alertEventType(change.action), change.scopeKey, change, {
    id: `${change.alertId}/${change.action}`,
    source: ALERT_EVENT_SOURCE,
    time: new Date(change.atMs),
  });
}
