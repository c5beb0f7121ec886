/**
 * Alerts and their life: raised → (acknowledged) → cleared, escalated when left unacknowledged. The book keeps at
 * most one open alert per condition and scope (no storms: a repeat is counted on the open alert) and the history.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AlertError } from './errors.js';
import { Severity } from './rule.js';

export const AlertState = z.enum(['active', 'acknowledged', 'cleared']);
export type AlertState = z.infer<typeof AlertState>;

export const AlertAction = z.enum(['raised', 'repeated', 'acknowledged', 'escalated', 'cleared']);
export type AlertAction = z.infer<typeof AlertAction>;

export const AlertHistoryItem = z.object({
  at: z.iso.datetime(),
  action: AlertAction,
  by: z.string().optional(),
  detail: z.string().max(500).optional(),
});

export const Alert = z.object({
  id: z.string(),
  /** The condition: a rule id, or an event type for alerts raised from plant events. */
  conditionKey: z.string(),
  /** The scope inside the condition: a cell id (line sensors report as `<line>-LINE`), or an event subject. */
  scopeKey: z.string(),
  ruleId: z.string().optional(),
  eventType: z.string().optional(),
  lineId: z.string().optional(),
  cellId: z.string().optional(),
  tag: z.string().optional(),
  title: z.string(),
  severity: Severity,
  state: AlertState,
  channels: z.array(z.string()),
  raisedAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().optional(),
  acknowledgedBy: z.string().optional(),
  escalatedAt: z.iso.datetime().optional(),
  clearedAt: z.iso.datetime().optional(),
  clearedBy: z.string().optional(),
  lastValue: z.number().optional(),
  /** Times the condition fired while this alert was open (1 = just the raise). */
  occurrences: z.number().int().min(1),
  history: z.array(AlertHistoryItem),
});
export type Alert = z.infer<typeof Alert>;

/** What happened to an alert; the notifier turns raised, escalated and cleared into messages. */
export interface AlertTransition {
  action: AlertAction;
  alert: Alert;
  /** Channels to tell (empty for actions nobody needs to hear about). */
  channels: string[];
}

export const isOpen = (a: Alert) => a.state !== 'cleared';

/** Deterministic alert id: the same condition, scope and raise time give the same id (idempotent under redelivery). */
export function alertIdFor(conditionKey: string, scopeKey: string, raisedAtMs: number): string {
  return `al-${createHash('sha256').update(`${conditionKey}\n${scopeKey}\n${raisedAtMs}`).digest('hex').slice(0, 24)}`;
}

export interface RaiseRequest {
  conditionKey: string;
  scopeKey: string;
  title: string;
  severity: Severity;
  channels: string[];
  atMs: number;
  ruleId?: string;
  eventType?: string;
  lineId?: string;
  cellId?: string;
  tag?: string;
  value?: number;
  detail?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const snapshot = (a: Alert): Alert => structuredClone(a);

/** All alerts, open and closed; the in-memory truth the store persists. */
export class AlertBook {
  private readonly byId = new Map<string, Alert>();
  private readonly openByKey = new Map<string, string>();

  /** Loads persisted alerts (e.g. the open ones after a restart). */
  constructor(alerts: readonly Alert[] = []) {
    for (const a of alerts) this.remember(a);
  }

  /** Raises an alert, or counts a repeat on the open alert of the same condition and scope. */
  raise(r: RaiseRequest): AlertTransition {
    const openId = this.openByKey.get(key(r.conditionKey, r.scopeKey));
    const open = openId ? this.byId.get(openId) : undefined;
    if (open) {
      open.occurrences += 1;
      if (r.value !== undefined) open.lastValue = r.value;
      open.history.push({ at: iso(r.atMs), action: 'repeated', ...(r.detail ? { detail: r.detail.slice(0, 500) } : {}) });
      return { action: 'repeated', alert: snapshot(open), channels: [] };
    }
    // Raised, cleared and raised again within one millisecond (duplicate timestamps): keep both alerts apart.
    let id = alertIdFor(r.conditionKey, r.scopeKey, r.atMs);
    for (let n = 2; this.byId.has(id); n++) id = `${alertIdFor(r.conditionKey, r.scopeKey, r.atMs)}-${n}`;
    const alert: Alert = {
      id,
      conditionKey: r.conditionKey,
      scopeKey: r.scopeKey,
      ...(r.ruleId ? { ruleId: r.ruleId } : {}),
      ...(r.eventType ? { eventType: r.eventType } : {}),
      ...(r.lineId ? { lineId: r.lineId } : {}),
      ...(r.cellId ? { cellId: r.cellId } : {}),
      ...(r.tag ? { tag: r.tag } : {}),
      title: r.title,
      severity: r.severity,
      state: 'active',
      channels: r.channels,
      raisedAt: iso(r.atMs),
      ...(r.value !== undefined ? { lastValue: r.value } : {}),
      occurrences: 1,
      history: [{ at: iso(r.atMs), action: 'raised', ...(r.detail ? { detail: r.detail.slice(0, 500) } : {}) }],
    };
    this.remember(alert);
    return { action: 'raised', alert: snapshot(alert), channels: alert.channels };
  }

  /** Marks an open alert acknowledged (stops escalation); acknowledging twice is a no-op. */
  acknowledge(alertId: string, by: string, atMs: number): AlertTransition {
    const a = this.mustGet(alertId);
    if (a.state === 'cleared') throw new AlertError('ERR-ALERT-STATE', `alert ${alertId} is already cleared; nothing to acknowledge`, 'alertId');
    if (a.state === 'active') {
      a.state = 'acknowledged';
      a.acknowledgedAt = iso(atMs);
      a.acknowledgedBy = by;
      a.history.push({ at: iso(atMs), action: 'acknowledged', by });
    }
    return { action: 'acknowledged', alert: snapshot(a), channels: [] };
  }

  /** Closes an alert (its condition cleared, or a person cleared it); clearing twice is a no-op. */
  clear(alertId: string, atMs: number, by?: string, detail?: string): AlertTransition {
    const a = this.mustGet(alertId);
    if (a.state !== 'cleared') {
      a.state = 'cleared';
      a.clearedAt = iso(atMs);
      if (by) a.clearedBy = by;
      a.history.push({ at: iso(atMs), action: 'cleared', ...(by ? { by } : {}), ...(detail ? { detail } : {}) });
      this.openByKey.delete(key(a.conditionKey, a.scopeKey));
    }
    return { action: 'cleared', alert: snapshot(a), channels: a.channels };
  }

  /** Escalates an alert still unacknowledged; returns undefined when it no longer needs it. */
  escalate(alertId: string, atMs: number, channels: string[], severity?: z.infer<typeof Severity>): AlertTransition | undefined {
    const a = this.mustGet(alertId);
    if (a.state !== 'active' || a.escalatedAt) return undefined;
    a.escalatedAt = iso(atMs);
    if (severity) a.severity = severity;
    a.history.push({ at: iso(atMs), action: 'escalated', detail: `to ${channels.join(', ')}` });
    return { action: 'escalated', alert: snapshot(a), channels };
  }

  get(alertId: string): Alert | undefined {
    const a = this.byId.get(alertId);
    return a ? snapshot(a) : undefined;
  }

  /** The open alert of a condition and scope, if any. */
  openFor(conditionKey: string, scopeKey: string): Alert | undefined {
    const id = this.openByKey.get(key(conditionKey, scopeKey));
    return id ? this.get(id) : undefined;
  }

  open(): Alert[] {
    return [...this.byId.values()].filter(isOpen).map(snapshot);
  }

  /** Every alert, oldest raise first. */
  all(): Alert[] {
    return [...this.byId.values()].sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : 0)).map(snapshot);
  }

  private remember(a: Alert): void {
    this.byId.set(a.id, a);
    if (isOpen(a)) this.openByKey.set(key(a.conditionKey, a.scopeKey), a.id);
  }

  private mustGet(alertId: string): Alert {
    const a = this.byId.get(alertId);
    if (!a) throw new AlertError('ERR-ALERT-NOT-FOUND', `no alert ${alertId}`, 'alertId');
    return a;
  }
}

const key = (conditionKey: string, scopeKey: string) => `${conditionKey}\n${scopeKey}`;
