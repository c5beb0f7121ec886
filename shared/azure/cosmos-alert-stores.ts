import type { Container, CosmosClient, SqlParameter } from '@azure/cosmos';
import { z } from 'zod';
import { AlertChangedData, alertChangedEvent } from '../alerts/alert-events.js';
import { Alert } from '../alerts/alert.js';
import { AlertRule } from '../alerts/rule.js';
import {
  alertSortKey,
  type AlertFilter,
  type AlertRuleStore,
  type AlertStore,
  type StoredAlert,
  type StoredAlertRule,
} from '../alerts/store.js';
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { EventsFor, QueuedEvent, Written } from '../messaging/outbox.js';
import { newRevision, revisionEtag, writeIfUnchanged } from './conditional-write.js';
import { CosmosOutbox } from './cosmos-outbox.js';
import { openContainer, statusOf } from './open-container.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const ALERTS_CONTAINER = 'alerts';
export const ALERT_RULES_CONTAINER = 'alert-rules';

/**
 * `unpublished`: changes an alert document kept in itself before alert changes went through the shared outbox; a
 * read moves them there (`migrated`), so none is lost by an upgrade.
 */
const AlertDoc = Alert.extend({ unpublished: z.array(AlertChangedData).default([]), _etag: z.string() });
type AlertDoc = z.infer<typeof AlertDoc>;

/**
 * Alerts in Cosmos container `alerts` (partition key /scopeKey, id = alert id): one document per alert, rewritten on
 * each change under If-Match, in one transactional batch with the change's `smelter.alert.<verb>` event (the outbox).
 * The raise path (latest alert of a condition and scope) stays inside one partition; reads by alert id and the lists
 * fan out, which the container's size (alerts, not telemetry) makes cheap.
 */
export class CosmosAlertStore implements AlertStore {
  /** Where its changes' events wait (the sweep reads the same container through its own CosmosOutbox). */
  readonly outbox: CosmosOutbox;

  constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, '/scopeKey');
  }

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosAlertStore> {
    return new CosmosAlertStore(
      await openContainer(client, database, ALERTS_CONTAINER, '/scopeKey', opts.createIfMissing),
    );
  }

  async get(alertId: string): Promise<StoredAlert | undefined> {
    const [doc] = await this.query('SELECT * FROM c WHERE c.kind = @kind AND c.id = @id', [
      { name: '@id', value: alertId },
    ]);
    return doc === undefined ? undefined : this.migrated(doc);
  }

  async latest(conditionKey: string, scopeKey: string): Promise<StoredAlert | undefined> {
    // The scope is named in the filter as well as the partition key: the local server does not scope queries by partition.
    const [doc] = await this.query(
      'SELECT TOP 1 * FROM c WHERE c.kind = @kind AND c.scopeKey = @s AND c.conditionKey = @c ORDER BY c.generation DESC',
      [
        { name: '@s', value: scopeKey },
        { name: '@c', value: conditionKey },
      ],
      scopeKey,
    );
    return doc === undefined ? undefined : this.migrated(doc);
  }

  async raisedAt(conditionKey: string, scopeKey: string, raisedAtMs: number): Promise<Alert | undefined> {
    const [doc] = await this.query(
      'SELECT TOP 1 * FROM c WHERE c.kind = @kind AND c.scopeKey = @s AND c.conditionKey = @c AND c.raisedAtMs = @t',
      [
        { name: '@s', value: scopeKey },
        { name: '@c', value: conditionKey },
        { name: '@t', value: raisedAtMs },
      ],
      scopeKey,
    );
    return doc === undefined ? undefined : stored(doc).alert;
  }

  async create(alert: Alert, events: readonly PlantEvent[]): Promise<readonly QueuedEvent[] | undefined> {
    const r = await this.outbox.write(
      alert.scopeKey,
      [{ operationType: 'Create', resourceBody: toDoc(alert) }],
      events,
    );
    return r.ok ? r.pending : undefined;
  }

  async replace(
    alert: Alert,
    events: readonly PlantEvent[],
    etag: string,
  ): Promise<readonly QueuedEvent[] | undefined> {
    const r = await this.outbox.write(
      alert.scopeKey,
      [{ operationType: 'Replace', id: alert.id, resourceBody: toDoc(alert), ifMatch: etag }],
      events,
    );
    return r.ok ? r.pending : undefined;
  }

  /**
   * An alert document as stored; one that still keeps changes in itself (written before the shared outbox) has them
   * moved into the outbox first, in one batch with the rewrite, so its next change cannot drop them.
   */
  private async migrated(doc: unknown): Promise<StoredAlert> {
    for (let d = AlertDoc.parse(doc); ;) {
      if (d.unpublished.length === 0) return stored(d);
      const { unpublished, _etag, ...alert } = d;
      const r = await this.outbox.write(
        alert.scopeKey,
        [{ operationType: 'Replace', id: alert.id, resourceBody: toDoc(Alert.parse(alert)), ifMatch: _etag }],
        unpublished.map(alertChangedEvent),
      );
      if (r.ok) return { alert: Alert.parse(alert), etag: r.results[0]!.eTag ?? '' };
      const [again] = await this.query('SELECT * FROM c WHERE c.kind = @kind AND c.id = @id', [
        { name: '@id', value: alert.id },
      ]);
      if (again === undefined) throw new Error(`alert ${alert.id} vanished while its outbox moved`);
      d = AlertDoc.parse(again);
    }
  }

  async open(): Promise<Alert[]> {
    const docs = await this.query('SELECT * FROM c WHERE c.kind = @kind AND c.state != @cleared', [
      { name: '@cleared', value: 'cleared' },
    ]);
    return docs.map((d) => stored(d).alert);
  }

  async list(filter: AlertFilter, limit: number, afterSortKey?: string): Promise<{ items: Alert[]; more: boolean }> {
    const where = ['c.kind = @kind'];
    const parameters: SqlParameter[] = [{ name: '@n', value: limit + 1 }];
    const add = (clause: string, name: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      parameters.push({ name, value });
    };
    add('c.state = @state', '@state', filter.state);
    add('c.lineId = @line', '@line', filter.lineId);
    add('c.cellId = @cell', '@cell', filter.cellId);
    add('c.sortKey < @after', '@after', afterSortKey);
    const docs = await this.query(
      `SELECT TOP @n * FROM c WHERE ${where.join(' AND ')} ORDER BY c.sortKey DESC`,
      parameters,
    );
    const items = docs.map((d) => stored(d).alert);
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  /** Moves the changes alert documents written before the shared outbox still keep in themselves into it. */
  async migrateLegacyOutbox(limit = 100): Promise<number> {
    const docs = await this.query(
      'SELECT TOP @n * FROM c WHERE c.kind = @kind AND IS_DEFINED(c.unpublished) AND ARRAY_LENGTH(c.unpublished) > 0',
      [{ name: '@n', value: limit }],
    );
    for (const doc of docs) await this.migrated(doc);
    return docs.length;
  }

  private async query(query: string, parameters: SqlParameter[], partitionKey?: string): Promise<unknown[]> {
    const { resources } = await this.container.items
      .query(
        { query, parameters: [{ name: '@kind', value: 'alert' }, ...parameters] },
        partitionKey === undefined ? {} : { partitionKey },
      )
      .fetchAll();
    return resources as unknown[];
  }
}

function toDoc(alert: Alert) {
  return {
    ...Alert.parse(alert),
    kind: 'alert',
    raisedAtMs: Date.parse(alert.raisedAt),
    sortKey: alertSortKey(alert),
  };
}

function stored(doc: unknown): StoredAlert {
  const { unpublished: _legacy, _etag, ...alert } = AlertDoc.parse(doc) as AlertDoc;
  return { alert: Alert.parse(alert), etag: _etag };
}

const RuleDoc = z.object({
  id: z.string(),
  ruleId: z.string(),
  kind: z.literal('alert-rule'),
  rule: z.unknown(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  createdBy: z.string(),
  updatedBy: z.string(),
  correlationId: z.string(),
  /** The version's own revision (its HTTP ETag); absent on documents written before revisions. */
  rev: z.string().optional(),
  _etag: z.string(),
});
type RuleDoc = z.infer<typeof RuleDoc>;

const storedRule = (d: RuleDoc): StoredAlertRule => ({
  rule: AlertRule.parse(d.rule),
  etag: revisionEtag(d),
  createdAtMs: d.createdAtMs,
  updatedAtMs: d.updatedAtMs,
  createdBy: d.createdBy,
  updatedBy: d.updatedBy,
});

/**
 * Alert rules in Cosmos container `alert-rules` (partition key /ruleId, id = rule id): read, replace and delete are
 * point operations under If-Match, each in one transactional batch with its `smelter.alert-rule.changed` event (the
 * outbox); the ETag is the version's own revision, so the event can name it before the write. The evaluator reads the
 * whole (small) container every few seconds.
 */
export class CosmosAlertRuleStore implements AlertRuleStore {
  private readonly outbox: CosmosOutbox;

  constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, '/ruleId');
  }

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosAlertRuleStore> {
    return new CosmosAlertRuleStore(
      await openContainer(client, database, ALERT_RULES_CONTAINER, '/ruleId', opts.createIfMissing),
    );
  }

  async list(): Promise<AlertRule[]> {
    const { resources } = await this.container.items
      .query({ query: 'SELECT * FROM c WHERE c.kind = @kind', parameters: [{ name: '@kind', value: 'alert-rule' }] })
      .fetchAll();
    // A document this code did not write (hand-edited, from a newer schema) is left out rather than stopping every rule.
    return resources.flatMap((r: unknown) => {
      const doc = RuleDoc.safeParse(r);
      const rule = doc.success ? AlertRule.safeParse(doc.data.rule) : undefined;
      return rule?.success ? [rule.data] : [];
    });
  }

  async page(limit: number, afterRuleId?: string): Promise<{ items: StoredAlertRule[]; more: boolean }> {
    const { resources } = await this.container.items
      .query({
        query: `SELECT TOP @n * FROM c WHERE c.kind = @kind${afterRuleId === undefined ? '' : ' AND c.ruleId > @after'} ORDER BY c.ruleId ASC`,
        parameters: [
          { name: '@n', value: limit + 1 },
          { name: '@kind', value: 'alert-rule' },
          ...(afterRuleId === undefined ? [] : [{ name: '@after', value: afterRuleId }]),
        ],
      })
      .fetchAll();
    const items = resources.map((r: unknown) => storedRule(RuleDoc.parse(r)));
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  async get(ruleId: string): Promise<StoredAlertRule | undefined> {
    const d = await this.read(ruleId);
    return d && storedRule(d);
  }

  async create(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
  ): Promise<Written<StoredAlertRule> | undefined> {
    const doc = {
      id: rule.id,
      ruleId: rule.id,
      kind: 'alert-rule' as const,
      rule,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      createdBy: actor.subject,
      updatedBy: actor.subject,
      correlationId: actor.correlationId,
      rev: newRevision(),
    };
    const stored = storedRule({ ...doc, _etag: '' });
    const r = await this.outbox.write(rule.id, [{ operationType: 'Create', resourceBody: doc }], events(stored));
    return r.ok ? { stored, pending: r.pending } : undefined;
  }

  async replace(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredAlertRule>>> {
    return writeIfUnchanged(
      ifMatch,
      () => this.read(rule.id),
      async (current) => {
        const { _etag, ...kept } = current;
        const next = {
          ...kept,
          rule,
          updatedAtMs: nowMs,
          updatedBy: actor.subject,
          correlationId: actor.correlationId,
          rev: newRevision(),
        };
        const stored = storedRule({ ...next, _etag: '' });
        const r = await this.outbox.write(
          rule.id,
          [{ operationType: 'Replace', id: rule.id, resourceBody: next, ifMatch: _etag }],
          events(stored),
        );
        return r.ok ? { ok: true, value: { stored, pending: r.pending } } : r;
      },
      revisionEtag,
    );
  }

  async remove(
    ruleId: string,
    nowMs: number,
    events: EventsFor<StoredAlertRule>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredAlertRule>>> {
    return writeIfUnchanged(
      ifMatch,
      () => this.read(ruleId),
      async (current) => {
        const stored = storedRule(current);
        const r = await this.outbox.write(
          ruleId,
          [{ operationType: 'Delete', id: ruleId, ifMatch: current._etag }],
          events(stored),
        );
        return r.ok ? { ok: true, value: { stored, pending: r.pending } } : r;
      },
      revisionEtag,
    );
  }

  private async read(ruleId: string): Promise<RuleDoc | undefined> {
    try {
      const { resource } = await this.container.item(ruleId, ruleId).read();
      return resource ? RuleDoc.parse(resource) : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }
}
