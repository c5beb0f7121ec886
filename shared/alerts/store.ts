/**
 * Persistence ports of alerting: rules (changed by users through the API) and alerts with their history. Cosmos
 * containers `alert-rules` (partition /ruleId) and `alerts` (partition /scopeKey) hold them in Azure
 * (shared/azure/cosmos-alert-stores.ts); the memory stores serve tests and one-process tools.
 *
 * Both ports are optimistic: every read returns a version tag and every write names the version it replaces, so two
 * instances changing the same alert or rule never lose each other's change. The life-cycle rules on top of the
 * alert port live once, in alert-records.ts.
 */
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import { ifMatchAdmits } from '../kernel/write-outcome.js';
import type { AlertChangedData } from './alert-events.js';
import type { Alert, AlertState } from './alert.js';
import type { AlertRule } from './rule.js';

/** An alert as stored: the alert, its version, and the state changes written but not yet published (an outbox in the alert's own document). */
export interface StoredAlert {
  alert: Alert;
  /** Opaque version; a replace succeeds only while it is current. */
  etag: string;
  unpublished: AlertChangedData[];
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
  /** Stores a new alert; false when an alert with its id exists (someone raised it first). */
  create(alert: Alert, unpublished: AlertChangedData[]): Promise<boolean>;
  /** Replaces the alert when `etag` is still its version; false when it changed meanwhile. */
  replace(alert: Alert, unpublished: AlertChangedData[], etag: string): Promise<boolean>;
  /** Every open alert (the evaluator's working set, the escalation sweep). */
  open(): Promise<Alert[]>;
  /** A page of alerts, newest raise first, after the alert whose sort key is `afterSortKey`. */
  list(filter: AlertFilter, limit: number, afterSortKey?: string): Promise<{ items: Alert[]; more: boolean }>;
  /** Alerts holding changes not yet published, at most `limit`. */
  withUnpublished(limit: number): Promise<StoredAlert[]>;
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
  /** Stores a new rule; undefined when its id is taken. */
  create(rule: AlertRule, actor: Actor, nowMs: number): Promise<StoredAlertRule | undefined>;
  /** Replaces a rule when `ifMatch` (HTTP ETags or `*`) is absent or admits its current ETag. */
  replace(rule: AlertRule, actor: Actor, nowMs: number, ifMatch?: string): Promise<WriteOutcome<StoredAlertRule>>;
  /** Deletes a rule when `ifMatch` admits it; answers the version deleted. */
  remove(ruleId: string, ifMatch?: string): Promise<WriteOutcome<StoredAlertRule>>;
}

/** Alerts in process memory, with the same version semantics as the Cosmos store. */
export class MemoryAlertStore implements AlertStore {
  private readonly docs = new Map<string, { alert: Alert; unpublished: AlertChangedData[]; version: number }>();
  private clock = 0;

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

  async create(alert: Alert, unpublished: AlertChangedData[]): Promise<boolean> {
    if (this.docs.has(alert.id)) return false;
    this.docs.set(alert.id, {
      alert: structuredClone(alert),
      unpublished: structuredClone(unpublished),
      version: ++this.clock,
    });
    return true;
  }

  async replace(alert: Alert, unpublished: AlertChangedData[], etag: string): Promise<boolean> {
    const current = this.docs.get(alert.id);
    if (!current || `v${current.version}` !== etag) return false;
    this.docs.set(alert.id, {
      alert: structuredClone(alert),
      unpublished: structuredClone(unpublished),
      version: ++this.clock,
    });
    return true;
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

  async withUnpublished(limit: number): Promise<StoredAlert[]> {
    return [...this.docs.keys()]
      .map((id) => this.stored(id)!)
      .filter((s) => s.unpublished.length > 0)
      .slice(0, limit);
  }

  private stored(alertId: string): StoredAlert | undefined {
    const d = this.docs.get(alertId);
    return d && { alert: structuredClone(d.alert), unpublished: structuredClone(d.unpublished), etag: `v${d.version}` };
  }
}

/** Rules in process memory, with the same ETag semantics as the Cosmos store. */
export class MemoryAlertRuleStore implements AlertRuleStore {
  private readonly rules = new Map<string, Omit<StoredAlertRule, 'etag'> & { version: number }>();
  private clock = 0;

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

  async create(rule: AlertRule, actor: Actor, nowMs: number): Promise<StoredAlertRule | undefined> {
    if (this.rules.has(rule.id)) return undefined;
    this.rules.set(rule.id, {
      rule: structuredClone(rule),
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      createdBy: actor.subject,
      updatedBy: actor.subject,
      version: ++this.clock,
    });
    return this.stored(rule.id);
  }

  async replace(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    ifMatch?: string,
  ): Promise<WriteOutcome<StoredAlertRule>> {
    const current = this.stored(rule.id);
    if (!current) return { ok: false, reason: 'not-found' };
    if (!ifMatchAdmits(ifMatch, current.etag)) return { ok: false, reason: 'version-mismatch' };
    this.rules.set(rule.id, {
      ...current,
      rule: structuredClone(rule),
      updatedAtMs: nowMs,
      updatedBy: actor.subject,
      version: ++this.clock,
    });
    return { ok: true, value: this.stored(rule.id)! };
  }

  async remove(ruleId: string, ifMatch?: string): Promise<WriteOutcome<StoredAlertRule>> {
    const current = this.stored(ruleId);
    if (!current) return { ok: false, reason: 'not-found' };
    if (!ifMatchAdmits(ifMatch, current.etag)) return { ok: false, reason: 'version-mismatch' };
    this.rules.delete(ruleId);
    return { ok: true, value: current };
  }

  private stored(ruleId: string): StoredAlertRule | undefined {
    const r = this.rules.get(ruleId);
    if (!r) return undefined;
    const { version, ...rest } = r;
    return { ...structuredClone(rest), etag: `"r${version}"` };
  }
}
