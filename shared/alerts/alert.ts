/**
 * Alerts and their life: raised → (acknowledged) → cleared, escalated when left unacknowledged. At most one open
 * alert per condition and scope (no storms: a repeat is counted on the open alert). The life-cycle steps are pure
 * functions on one alert, so the in-memory book and the persistent store (alert-records.ts) apply the same rules.
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
  /** What caused the step (a plant event id), so a redelivered cause is recognised. */
  source: z.string().max(200).optional(),
});
export type AlertHistoryItem = z.infer<typeof AlertHistoryItem>;

/** History entries kept per alert: the raise and the latest ones (a condition repeating for days must not grow a document without bound). */
export const MAX_HISTORY_ITEMS = 100;

export const Alert = z.object({
  id: z.string(),
  /** The condition: a rule id, or an event type (with the anomaly type) for alerts raised from plant events. */
  conditionKey: z.string(),
  /** The scope inside the condition: a cell id (line sensors report as `<line>-LINE`), or an event subject. */
  scopeKey: z.string(),
  /** 1 for the first alert of a condition and scope, n + 1 for the one after alert n cleared; part of the id. */
  generation: z.number().int().min(1),
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

/**
 * Deterministic alert id: generation n of a condition and scope always has the same id, so two writers raising
 * the same alert at once collide on one document instead of making two.
 */
export function alertIdFor(conditionKey: string, scopeKey: string, generation: number): string {
  return `al-${createHash('sha256').update(`${conditionKey}\n${scopeKey}\n${generation}`).digest('hex').slice(0, 24)}`;
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
  /** The plant event that asks for the raise; a second request with the same source is a redelivery. */
  sourceId?: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();

function pushHistory(a: Alert, item: AlertHistoryItem): void {
  a.history.push(item);
  // Keep the raise and the newest entries.
  if (a.history.length > MAX_HISTORY_ITEMS) a.history.splice(1, a.history.length - MAX_HISTORY_ITEMS);
}

/** A new active alert for a raise request: generation `generation` of its condition and scope. */
export function newAlert(r: RaiseRequest, generation: number): Alert {
  return {
    id: alertIdFor(r.conditionKey, r.scopeKey, generation),
    conditionKey: r.conditionKey,
    scopeKey: r.scopeKey,
    generation,
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
    history: [
      {
        at: iso(r.atMs),
        action: 'raised',
        ...(r.detail ? { detail: r.detail.slice(0, 500) } : {}),
        ...(r.sourceId ? { source: r.sourceId } : {}),
      },
    ],
  };
}

/** True when the request's source already acted on this alert (a redelivered event). */
export function seenSource(a: Alert, sourceId: string | undefined): boolean {
  return sourceId !== undefined && a.history.some((h) => h.source === sourceId);
}

/** Counts a repeat of the condition on an open alert (mutates `a`). */
export function repeatAlert(a: Alert, r: RaiseRequest): void {
  a.occurrences += 1;
  if (r.value !== undefined) a.lastValue = r.value;
  pushHistory(a, {
    at: iso(r.atMs),
    action: 'repeated',
    ...(r.detail ? { detail: r.detail.slice(0, 500) } : {}),
    ...(r.sourceId ? { source: r.sourceId } : {}),
  });
}

/** Marks an alert acknowledged (mutates `a`); false when it already was. Throws ERR-ALERT-STATE for a cleared alert. */
export function acknowledgeAlert(a: Alert, by: string, atMs: number): boolean {
  if (a.state === 'cleared')
    throw new AlertError('ERR-ALERT-STATE', `alert ${a.id} is already cleared; nothing to acknowledge`, 'alertId');
  if (a.state !== 'active') return false;
  a.state = 'acknowledged';
  a.acknowledgedAt = iso(atMs);
  a.acknowledgedBy = by;
  pushHistory(a, { at: iso(atMs), action: 'acknowledged', by });
  return true;
}

/** Closes an alert (its condition cleared, or a person cleared it; mutates `a`); false when it already was. */
export function clearAlert(a: Alert, atMs: number, by?: string, detail?: string): boolean {
  if (a.state === 'cleared') return false;
  a.state = 'cleared';
  a.clearedAt = iso(atMs);
  if (by) a.clearedBy = by;
  pushHistory(a, { at: iso(atMs), action: 'cleared', ...(by ? { by } : {}), ...(detail ? { detail } : {}) });
  return true;
}

/** Escalates an alert still active and never escalated (mutates `a`); false when it needs nothing. */
export function escalateAlert(a: Alert, atMs: number, channels: readonly string[], severity?: Severity): boolean {
  if (a.state !== 'active' || a.escalatedAt) return false;
  a.escalatedAt = iso(atMs);
  if (severity) a.severity = severity;
  pushHistory(a, { at: iso(atMs), action: 'escalated', detail: `to ${channels.join(', ')}` });
  return true;
}

const snapshot = (a: Alert): Alert => structuredClone(a);

/**
 * Alerts in memory: what one process knows. In the running app the persistent store is the truth and a book is a
 * working copy the evaluator reads (loaded from the store, and told what the store decided through `adopt`).
 */
export class AlertBook {
  private readonly byId = new Map<string, Alert>();
  private readonly openByKey = new Map<string, string>();
  private readonly generations = new Map<string, number>();

  /** Loads persisted alerts (e.g. the open ones after a restart). */
  constructor(alerts: readonly Alert[] = []) {
    this.load(alerts);
  }

  /** Forgets everything and takes these alerts as what is known. */
  load(alerts: readonly Alert[]): void {
    this.byId.clear();
    this.openByKey.clear();
    this.generations.clear();
    for (const a of alerts) this.remember(snapshot(a));
  }

  /** Raises an alert, or counts a repeat on the open alert of the same condition and scope. */
  raise(r: RaiseRequest): AlertTransition {
    const k = key(r.conditionKey, r.scopeKey);
    const openId = this.openByKey.get(k);
    const open = openId ? this.byId.get(openId) : undefined;
    if (open) {
      repeatAlert(open, r);
      return { action: 'repeated', alert: snapshot(open), channels: [] };
    }
    const alert = newAlert(r, (this.generations.get(k) ?? 0) + 1);
    this.remember(alert);
    return { action: 'raised', alert: snapshot(alert), channels: alert.channels };
  }

  /** Marks an open alert acknowledged (stops escalation); acknowledging twice is a no-op. */
  acknowledge(alertId: string, by: string, atMs: number): AlertTransition {
    const a = this.mustGet(alertId);
    acknowledgeAlert(a, by, atMs);
    return { action: 'acknowledged', alert: snapshot(a), channels: [] };
  }

  /** Closes an alert (its condition cleared, or a person cleared it); clearing twice is a no-op. */
  clear(alertId: string, atMs: number, by?: string, detail?: string): AlertTransition {
    const a = this.mustGet(alertId);
    if (clearAlert(a, atMs, by, detail)) this.openByKey.delete(key(a.conditionKey, a.scopeKey));
    return { action: 'cleared', alert: snapshot(a), channels: a.channels };
  }

  /** Escalates an alert still unacknowledged; returns undefined when it no longer needs it. */
  escalate(alertId: string, atMs: number, channels: string[], severity?: Severity): AlertTransition | undefined {
    const a = this.mustGet(alertId);
    if (!escalateAlert(a, atMs, channels, severity)) return undefined;
    return { action: 'escalated', alert: snapshot(a), channels };
  }

  /**
   * Takes the store's version of an alert in place of the book's `previousId` (which may be a provisional alert the
   * store replaced with one it already held). Undefined `alert` forgets `previousId`.
   */
  adopt(previousId: string, alert: Alert | undefined): void {
    const previous = this.byId.get(previousId);
    if (previous) {
      this.byId.delete(previousId);
      const k = key(previous.conditionKey, previous.scopeKey);
      if (this.openByKey.get(k) === previousId) this.openByKey.delete(k);
    }
    if (alert) this.remember(snapshot(alert));
  }

  /** Drops cleared alerts (a long-running evaluator keeps only what it still judges). */
  forgetCleared(): void {
    for (const [id, a] of this.byId) if (!isOpen(a)) this.byId.delete(id);
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
    return [...this.byId.values()]
      .sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : a.generation - b.generation))
      .map(snapshot);
  }

  private remember(a: Alert): void {
    this.byId.set(a.id, a);
    const k = key(a.conditionKey, a.scopeKey);
    if (isOpen(a)) this.openByKey.set(k, a.id);
    else if (this.openByKey.get(k) === a.id) this.openByKey.delete(k);
    this.generations.set(k, Math.max(this.generations.get(k) ?? 0, a.generation));
  }

  private mustGet(alertId: string): Alert {
    const a = this.byId.get(alertId);
    if (!a) throw new AlertError('ERR-ALERT-NOT-FOUND', `no alert ${alertId}`, 'alertId');
    return a;
  }
}

const key = (conditionKey: string, scopeKey: string) => `${conditionKey}\n${scopeKey}`;
