/**
 * Persistence ports of alerting: rules (changed by users through the API) and alerts with their history. Cosmos
 * containers `alert-rules` (partition /ruleId) and `alerts` (partition /scopeKey) hold them in Azure
 * (shared/azure/cosmos-alert-stores.ts); the memory stores serve tests and one-process tools.
 *
 * Both ports are optimistic: every read returns a version tag and every write names the version it replaces, so two
 * instances changing the same alert or rule never lose each other's change. Both queue the plant events of a write
 * in the same atomic write (the outbox, shared/messaging/outbox.ts) and answer them for the caller to publish. The
 * life-cycle rules on top of the alert port live once, in alert-records.ts.
 */
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import { ifMatchAdmits } from '../kernel/write-outcome.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { MemoryOutbox, type EventsFor, type QueuedEvent, type Written } from '../messaging/outbox.js';
import type { Alert, AlertState } from './alert.js';
import type { AlertRule } from './rule.js';

/** An alert as stored, with its version. */
export interface StoredAlert {
  alert: Alert;
  /** Opaque version; a replace succeeds only while it is current. */
  etag: string;
}

/** Filters of the alert list (API): all optional, combined with AND. */
export interface AlertFilter {
  state?: AlertState;
  lineId?: string;
  cellId?: string;
}

/** The order of the alert list, newest raise first: raise time, then id for alerts raised in the same millisecond. */
export function alertSortKey(a: Pick<Alert, 'raisedAt' | 'id'>): string {
  return `${String(Date.parse(a.raisedAt)).padStart(15, '0')}:${a.id}`;
}

export interface AlertStore {
  get(alertId: string): Promise<StoredAlert | undefined>;
  /** The alert of this condition and scope with the highest generation, open or not. */
  latest(conditionKey: string, scopeKey: string): Promise<StoredAlert | undefined>;
  /** An alert of this condition and scope raised at exactly this time (a redelivered raise), if any. */
  raisedAt(conditionKey: string, scopeKey: string, raisedAtMs: number): Promise<Alert | undefined>;
  /**
   * Stores a new alert and queues `events` with it; undefined when an alert with its id exists (someone raised it
   * first), and then nothing is queued.
   */
  create(alert: Alert, events: readonly PlantEvent[]): Promise<readonly QueuedEvent[] | undefined>;
  /** Replaces the alert and queues `events` when `etag` is still its version; undefined when it changed meanwhile. */
  replace(alert: Alert, events: readonly PlantEvent[], etag: string): Promise<readonly QueuedEvent[] | undefined>;
  /** Every open alert (the evaluator's working set, the escalation sweep). */
  open(): Promise<Alert[]>;
  /** A page of alerts, newest raise first, after the alert whose sort key is `afterSortKey`. */
  list(filter: AlertFilter, limit: number, afterSortKey?: string): Promise<{ items: Alert[]; more: boolean }>;
}

/** A rule as stored, with its HTTP ETag (quoted, strong) and who made and last changed it. */
export interface StoredAlertRule {
  rule: AlertRule;
  etag: string;
  createdAtMs: number;
  updatedAtMs: number;
  createdBy: string;
  updatedBy: string;
}

export interface AlertRuleStore {
  /** Every rule (what the evaluator reads). */
  list(): Promise<AlertRule[]>;
  /** Up to `limit` rules in id order after `afterRuleId`, and whether more follow. */
  page(limit: number, afterRuleId?: string): Promise<{ items: StoredAlertRule[]; more: boolean }>;
  get(ruleId: string): Promise<StoredAlertRule | undefined>;
  /** Stores a new rule with its events; undefined when its id is taken. */
  create(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
  ): Promise<Written<StoredAlertRule> | undefined>;
  /** Replaces a rule when `ifMatch` (HTTP ETags or `*`) is absent or admits its current ETag. */
  replace(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredAlertRule>>>;
  /** Deletes a rule when `ifMatch` admits it, queuing the events of the version deleted. */
  remove(
    ruleId: string,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredAlertRule>>>;
}

/** Alerts in process memory, with the same version semantics as the Cosmos store; events wait in `outbox`. */
export class MemoryAlertStore implements AlertStore {
  private readonly docs = new Map<string, { alert: Alert; version: number }>();
  private clock = 0;

  constructor(readonly outbox = new MemoryOutbox('alerts')) {}

  async get(alertId: string): Promise<StoredAlert | undefined> {
    return this.stored(alertId);
  }

  async latest(conditionKey: string, scopeKey: string): Promise<StoredAlert | undefined> {
    let best: Alert | undefined;
    for (const { alert } of this.docs.values()) {
      if (
        alert.conditionKey === conditionKey &&
        alert.scopeKey === scopeKey &&
        (!best || alert.generation > best.generation)
      )
        best = alert;
    }
    return best && this.stored(best.id);
  }

  async raisedAt(conditionKey: string, scopeKey: string, raisedAtMs: number): Promise<Alert | undefined> {
    const at = new Date(raisedAtMs).toISOString();
    const found = [...this.docs.values()].find(
      ({ alert: a }) => a.conditionKey === conditionKey && a.scopeKey === scopeKey && a.raisedAt === at,
    );
    return found && structuredClone(found.alert);
  }

  async create(alert: Alert, events: readonly PlantEvent[]): Promise<readonly QueuedEvent[] | undefined> {
    if (this.docs.has(alert.id)) return undefined;
    this.docs.set(alert.id, { alert: structuredClone(alert), version: ++this.clock });
    return this.outbox.queue(alert.scopeKey, events);
  }

  async replace(
    alert: Alert,
    events: readonly PlantEvent[],
    etag: string,
  ): Promise<readonly QueuedEvent[] | undefined> {
    const current = this.docs.get(alert.id);
    if (!current || `v${current.version}` !== etag) return undefined;
    this.docs.set(alert.id, { alert: structuredClone(alert), version: ++this.clock });
    return this.outbox.queue(alert.scopeKey, events);
  }

  async open(): Promise<Alert[]> {
    return [...this.docs.values()].filter((d) => d.alert.state !== 'cleared').map((d) => structuredClone(d.alert));
  }

  async list(filter: AlertFilter, limit: number, afterSortKey?: string): Promise<{ items: Alert[]; more: boolean }> {
    const matching = [...this.docs.values()]
      .map((d) => d.alert)
      .filter(
        (a) =>
          (filter.state === undefined || a.state === filter.state) &&
          (filter.lineId === undefined || a.lineId === filter.lineId) &&
          (filter.cellId === undefined || a.cellId === filter.cellId),
      )
      .filter((a) => afterSortKey === undefined || alertSortKey(a) < afterSortKey)
      .sort((a, b) => (alertSortKey(a) < alertSortKey(b) ? 1 : -1));
    return { items: matching.slice(0, limit).map((a) => structuredClone(a)), more: matching.length > limit };
  }

  private stored(alertId: string): StoredAlert | undefined {
    const d = this.docs.get(alertId);
    return d && { alert: structuredClone(d.alert), etag: `v${d.version}` };
  }
}

/** Rules in process memory, with the same ETag semantics as the Cosmos store; events wait in `outbox`. */
export class MemoryAlertRuleStore implements AlertRuleStore {
  private readonly rules = new Map<string, Omit<StoredAlertRule, 'etag'> & { version: number }>();
  private clock = 0;

  constructor(readonly outbox = new MemoryOutbox('alert-rules')) {}

  async list(): Promise<AlertRule[]> {
    return [...this.rules.values()].map((r) => structuredClone(r.rule));
  }

  async page(limit: number, afterRuleId?: string): Promise<{ items: StoredAlertRule[]; more: boolean }> {
    const ids = [...this.rules.keys()].filter((id) => afterRuleId === undefined || id > afterRuleId).sort();
    return { items: ids.slice(0, limit).map((id) => this.stored(id)!), more: ids.length > limit };
  }

  async get(ruleId: string): Promise<StoredAlertRule | undefined> {
    return this.stored(ruleId);
  }

  async create(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
  ): Promise<Written<StoredAlertRule> | undefined> {
    if (this.rules.has(rule.id)) return undefined;
    this.rules.set(rule.id, {
      rule: structuredClone(rule),
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      createdBy: actor.subject,
      updatedBy: actor.subject,
      version: ++this.clock,
    });
    const stored = this.stored(rule.id)!;
    return { stored, pending: this.outbox.queue(rule.id, events(stored)) };
  }

  async replace(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredAlertRule>>> {
    const current = this.stored(rule.id);
    if (!current) return { ok: false, reason: 'not-found' };
    if (!ifMatchAdmits(ifMatch, current.etag)) return { ok: false, reason: 'version-mismatch' };
    const { etag: _etag, ...kept } = current;
    this.rules.set(rule.id, {
      ...kept,
      rule: structuredClone(rule),
      updatedAtMs: nowMs,
      updatedBy: actor.subject,
      version: ++this.clock,
    });
    const stored = this.stored(rule.id)!;
    return { ok: true, value: { stored, pending: this.outbox.queue(rule.id, events(stored)) } };
  }

  async remove(
    ruleId: string,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredAlertRule>>> {
    const current = this.stored(ruleId);
    if (!current) return { ok: false, reason: 'not-found' };
    if (!ifMatchAdmits(ifMatch, current.etag)) return { ok: false, reason: 'version-mismatch' };
    this.rules.delete(ruleId);
    return { ok: true, value: { stored: current, pending: this.outbox.queue(ruleId, events(current)) } };
  }

  private stored(ruleId: string): StoredAlertRule | undefined {
    const r = this.rules.get(ruleId);
    if (!r) return undefined;
    const { version, ...rest } = r;
    return { ...structuredClone(rest), etag: `"r${version}"` };
  }
}
