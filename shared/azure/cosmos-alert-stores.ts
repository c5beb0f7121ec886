import type { Container, CosmosClient, SqlParameter } from '@azure/cosmos';
import { z } from 'zod';
import { AlertChangedData } from '../alerts/alert-events.js';
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
import { writeIfUnchanged } from './conditional-write.js';
import { httpEtag, openContainer, statusOf } from './open-container.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const ALERTS_CONTAINER = 'alerts';
export const ALERT_RULES_CONTAINER = 'alert-rules';

const AlertDoc = Alert.extend({ unpublished: z.array(AlertChangedData).default([]), _etag: z.string() });

/**
 * Alerts in Cosmos container `alerts` (partition key /scopeKey, id = alert id): one document per alert, rewritten on
 * each change under If-Match. The raise path (latest alert of a condition and scope) stays inside one partition; reads
 * by alert id and the lists fan out, which the container's size (alerts, not telemetry) makes cheap.
 */
export class CosmosAlertStore implements AlertStore {
  constructor(private readonly container: Container) {}

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
    return doc === undefined ? undefined : stored(doc);
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
    return doc === undefined ? undefined : stored(doc);
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

  async create(alert: Alert, unpublished: AlertChangedData[]): Promise<boolean> {
    try {
      await this.container.items.create(toDoc(alert, unpublished));
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async replace(alert: Alert, unpublished: AlertChangedData[], etag: string): Promise<boolean> {
    try {
      await this.container
        .item(alert.id, alert.scopeKey)
        .replace(toDoc(alert, unpublished), { accessCondition: { type: 'IfMatch', condition: etag } });
      return true;
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 404) return false;
      throw e;
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

  async withUnpublished(limit: number): Promise<StoredAlert[]> {
    const docs = await this.query('SELECT TOP @n * FROM c WHERE c.kind = @kind AND ARRAY_LENGTH(c.unpublished) > 0', [
      { name: '@n', value: limit },
    ]);
    return docs.map(stored);
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

function toDoc(alert: Alert, unpublished: AlertChangedData[]) {
  return {
    ...Alert.parse(alert),
    kind: 'alert',
    raisedAtMs: Date.parse(alert.raisedAt),
    sortKey: alertSortKey(alert),
    unpublished,
  };
}

function stored(doc: unknown): StoredAlert {
  const { unpublished, _etag, ...alert } = AlertDoc.parse(doc);
  return { alert: Alert.parse(alert), etag: _etag, unpublished };
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
  _etag: z.string(),
});
type RuleDoc = z.infer<typeof RuleDoc>;

const storedRule = (d: RuleDoc): StoredAlertRule => ({
  rule: AlertRule.parse(d.rule),
  etag: httpEtag(d._etag),
  createdAtMs: d.createdAtMs,
  updatedAtMs: d.updatedAtMs,
  createdBy: d.createdBy,
  updatedBy: d.updatedBy,
});

/**
 * Alert rules in Cosmos container `alert-rules` (partition key /ruleId, id = rule id): read, replace and delete are
 * point operations under If-Match; the evaluator reads the whole (small) container every few seconds.
 */
export class CosmosAlertRuleStore implements AlertRuleStore {
  constructor(private readonly container: Container) {}

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

  async create(rule: AlertRule, actor: Actor, nowMs: number): Promise<StoredAlertRule | undefined> {
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
    };
    try {
      const { resource } = await this.container.items.create(doc);
      return storedRule(RuleDoc.parse(resource));
    } catch (e) {
      if (statusOf(e) === 409) return undefined;
      throw e;
    }
  }

  async replace(
    rule: AlertRule,
    actor: Actor,
    nowMs: number,
    ifMatch?: string,
  ): Promise<WriteOutcome<StoredAlertRule>> {
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
        };
        const { resource } = await this.container
          .item(rule.id, rule.id)
          .replace(next, { accessCondition: { type: 'IfMatch', condition: _etag } });
        return storedRule(RuleDoc.parse(resource));
      },
    );
  }

  async remove(ruleId: string, ifMatch?: string): Promise<WriteOutcome<StoredAlertRule>> {
    return writeIfUnchanged(
      ifMatch,
      () => this.read(ruleId),
      async (current) => {
        await this.container
          .item(ruleId, ruleId)
          .delete({ accessCondition: { type: 'IfMatch', condition: current._etag } });
        return storedRule(current);
      },
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
