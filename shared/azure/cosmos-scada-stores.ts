import type { Container, CosmosClient, SqlParameter } from '@azure/cosmos';
import { COMMAND_STATES, CommandDoc, isFinal } from '../scada/command.js';
import {
  CommandConflictError,
  inHistoryPage,
  type CommandHistoryQuery,
  type CommandQueries,
  type CommandRepository,
} from '../scada/command-repository.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { QueuedEvent } from '../messaging/outbox.js';
import { SetPointField } from '../plant/set-point.js';
import {
  OverrideConflictError,
  OverrideDoc,
  OverrideStoreUnavailableError,
  type ManualOverrideQuery,
  type OverrideLister,
  type OverrideStore,
} from '../scada/override.js';
import { CosmosOutbox, type ChangeOperation } from './cosmos-outbox.js';
import { openContainer, statusOf } from './open-container.js';
import { readItem } from './read-item.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const SCADA_COMMANDS_CONTAINER = 'scada-commands';
export const SCADA_OVERRIDES_CONTAINER = 'scada-overrides';

/** SCADA commands in Cosmos container `scada-commands` (partition key /commandId, id = commandId). */
export class CosmosCommandRepository implements CommandRepository, CommandQueries {
  constructor(private readonly container: Container) {}

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosCommandRepository> {
    return new CosmosCommandRepository(
      await openContainer(client, database, SCADA_COMMANDS_CONTAINER, '/commandId', opts.createIfMissing),
    );
  }

  async get(commandId: string): Promise<CommandDoc | undefined> {
    return (await this.read(commandId))?.doc;
  }

  async create(doc: CommandDoc): Promise<boolean> {
    try {
      await this.container.items.create(CommandDoc.parse(doc));
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async update(doc: CommandDoc): Promise<void> {
    const current = await this.read(doc.commandId);
    if (current?.doc.revision !== doc.revision - 1)
      throw new CommandConflictError(doc.commandId, doc.revision - 1, current?.doc.revision);
    try {
      await this.container
        .item(doc.commandId, doc.commandId)
        .replace(CommandDoc.parse(doc), { accessCondition: { type: 'IfMatch', condition: current.etag } });
    } catch (e) {
      if (statusOf(e) === 412) throw new CommandConflictError(doc.commandId, doc.revision - 1, undefined);
      throw e;
    }
  }

  async recentForEquipment(equipmentId: string, sinceMs: number): Promise<CommandDoc[]> {
    const { resources } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.equipmentId = @e AND c.updatedAtMs >= @since',
        parameters: [
          { name: '@e', value: equipmentId },
          { name: '@since', value: sinceMs },
        ],
      })
      .fetchAll();
    return resources.map((r) => CommandDoc.parse(r));
  }

  async recentForLine(lineId: string, sinceMs: number): Promise<CommandDoc[]> {
    const { resources } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.lineId = @l AND c.updatedAtMs >= @since',
        parameters: [
          { name: '@l', value: lineId },
          { name: '@since', value: sinceMs },
        ],
      })
      .fetchAll();
    return resources.map((r) => CommandDoc.parse(r));
  }

  async lastAcknowledged(equipmentId: string, field: SetPointField): Promise<CommandDoc | undefined> {
    // The field name goes into the query text: it is one of the four set-point names, never caller text.
    const f = SetPointField.parse(field);
    const [doc] = await this.query(
      `SELECT TOP 1 * FROM c WHERE c.equipmentId = @e AND c.state = 'acknowledged' AND IS_DEFINED(c.ack.applied.${f}) ORDER BY c.ack.receivedAtMs DESC`,
      [{ name: '@e', value: equipmentId }],
    );
    return doc;
  }

  async openForEquipment(equipmentId: string): Promise<CommandDoc[]> {
    return this.query(
      'SELECT * FROM c WHERE c.equipmentId = @e AND ARRAY_CONTAINS(@open, c.state) ORDER BY c.createdAtMs ASC',
      [
        { name: '@e', value: equipmentId },
        { name: '@open', value: COMMAND_STATES.filter((s) => !isFinal(s)) as string[] },
      ],
    );
  }

  async history(q: CommandHistoryQuery): Promise<{ items: CommandDoc[]; more: boolean }> {
    const where = ['c.equipmentId = @e'];
    const parameters: SqlParameter[] = [{ name: '@e', value: q.equipmentId }];
    const bound = (clause: string, name: string, value: number | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      parameters.push({ name, value });
    };
    bound('c.createdAtMs >= @from', '@from', q.fromMs);
    bound('c.createdAtMs < @to', '@to', q.toMs);
    bound('c.createdAtMs <= @before', '@before', q.before?.createdAtMs);
    // Commands created in the same ms as the previous page's last are fetched again and dropped here by id.
    const n = q.limit + 1 + (q.before?.commandIds.length ?? 0);
    const docs = await this.query(
      `SELECT TOP ${n} * FROM c WHERE ${where.join(' AND ')} ORDER BY c.createdAtMs DESC`,
      parameters,
    );
    const page = docs
      .filter((d) => inHistoryPage(d, q))
      .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.commandId < b.commandId ? -1 : 1));
    return { items: page.slice(0, q.limit), more: page.length > q.limit };
  }

  private async query(text: string, parameters: SqlParameter[]): Promise<CommandDoc[]> {
    const { resources } = await this.container.items.query<unknown>({ query: text, parameters }).fetchAll();
    return resources.map((r) => CommandDoc.parse(r));
  }

  private async read(commandId: string): Promise<{ doc: CommandDoc; etag: string } | undefined> {
    try {
      const { resource } = await this.container.item(commandId, commandId).read<CommandDoc & { _etag: string }>();
      return resource ? { doc: CommandDoc.parse(resource), etag: resource._etag } : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }
}

/**
 * Manual overrides in Cosmos container `scada-overrides` (partition key /scopeKey, id = scope key); a change runs in
 * one transactional batch with its `smelter.override.changed` event (the outbox).
 */
export class CosmosOverrideStore implements OverrideStore, OverrideLister {
  private readonly outbox: CosmosOutbox;

  constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, '/scopeKey');
  }

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosOverrideStore> {
    return new CosmosOverrideStore(
      await openContainer(client, database, SCADA_OVERRIDES_CONTAINER, '/scopeKey', opts.createIfMissing),
    );
  }

  async get(scopeKey: string): Promise<OverrideDoc | undefined> {
    return (await this.read(scopeKey))?.doc;
  }

  async put(
    doc: OverrideDoc,
    expectedVersion: number | undefined,
    events: readonly PlantEvent[] = [],
  ): Promise<readonly QueuedEvent[]> {
    const conflict = (found: number | string) =>
      new OverrideConflictError(
        'version',
        `Override ${doc.scopeKey} changed meanwhile (now version ${found}); read it again and retry`,
      );
    let change: ChangeOperation;
    if (expectedVersion === undefined) change = { operationType: 'Create', resourceBody: OverrideDoc.parse(doc) };
    else {
      const current = await this.read(doc.scopeKey);
      if (current?.doc.version !== expectedVersion) throw conflict(current?.doc.version ?? 'none');
      change = {
        operationType: 'Replace',
        id: doc.scopeKey,
        resourceBody: OverrideDoc.parse(doc),
        ifMatch: current.etag,
      };
    }
    const r = await this.outbox.write(doc.scopeKey, [change], events);
    if (!r.ok) throw conflict('unknown');
    return r.pending;
  }

  async listManual(q: ManualOverrideQuery): Promise<{ items: OverrideDoc[]; more: boolean }> {
    const where = ['c.mode = @manual'];
    const parameters: { name: string; value: string | number }[] = [
      { name: '@n', value: q.limit + 1 },
      { name: '@manual', value: 'manual' },
    ];
    if (q.afterScopeKey !== undefined) {
      where.push('c.scopeKey > @after');
      parameters.push({ name: '@after', value: q.afterScopeKey });
    }
    if (q.lineId !== undefined) {
      // Cell ids start with their line's id and a dash (L1-C001), so one prefix finds the line's cells.
      where.push('(c.scopeKey = @lineKey OR STARTSWITH(c.scopeKey, @cellPrefix))');
      parameters.push(
        { name: '@lineKey', value: `line:${q.lineId}` },
        { name: '@cellPrefix', value: `cell:${q.lineId}-` },
      );
    }
    const { resources } = await this.container.items
      .query<unknown>({
        query: `SELECT TOP @n * FROM c WHERE ${where.join(' AND ')} ORDER BY c.scopeKey ASC`,
        parameters,
      })
      .fetchAll();
    const docs = resources.map((r) => OverrideDoc.parse(r));
    return { items: docs.slice(0, q.limit), more: docs.length > q.limit };
  }

  /** The scope's document; a read that cannot be answered (container missing, document unreadable) throws (read-item.ts). */
  private async read(scopeKey: string): Promise<{ doc: OverrideDoc; etag: string } | undefined> {
    let resource: (OverrideDoc & { _etag: string }) | undefined;
    try {
      resource = await readItem<OverrideDoc>(this.container, scopeKey, scopeKey);
    } catch (e) {
      throw new OverrideStoreUnavailableError(scopeKey, e instanceof Error ? e.message : String(e));
    }
    if (!resource) return undefined;
    const parsed = OverrideDoc.safeParse(resource);
    if (!parsed.success)
      throw new OverrideStoreUnavailableError(scopeKey, `the stored document is unreadable: ${parsed.error.message}`);
    return { doc: parsed.data, etag: resource._etag };
  }
}
