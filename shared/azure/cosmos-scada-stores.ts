import type { Container, CosmosClient, ErrorResponse } from '@azure/cosmos';
import { CommandDoc } from '../scada/command.js';
import { CommandConflictError, type CommandRepository } from '../scada/command-repository.js';
import { OverrideConflictError, OverrideDoc, type OverrideStore } from '../scada/override.js';
import { openContainer } from './cosmos-container.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const SCADA_COMMANDS_CONTAINER = 'scada-commands';
export const SCADA_OVERRIDES_CONTAINER = 'scada-overrides';

const statusOf = (err: unknown) => (err as ErrorResponse | undefined)?.code;

/** SCADA commands in Cosmos container `scada-commands` (partition key /commandId, id = commandId). */
export class CosmosCommandRepository implements CommandRepository {
  constructor(private readonly container: Container) {}

  static async create(client: CosmosClient, database: string, opts: { createIfMissing: boolean }): Promise<CosmosCommandRepository> {
    return new CosmosCommandRepository(await openContainer(client, database, SCADA_COMMANDS_CONTAINER, '/commandId', opts.createIfMissing));
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
    if (current?.doc.revision !== doc.revision - 1) throw new CommandConflictError(doc.commandId, doc.revision - 1, current?.doc.revision);
    try {
      await this.container.item(doc.commandId, doc.commandId).replace(CommandDoc.parse(doc), { accessCondition: { type: 'IfMatch', condition: current.etag } });
    } catch (e) {
      if (statusOf(e) === 412) throw new CommandConflictError(doc.commandId, doc.revision - 1, undefined);
      throw e;
    }
  }

  async recentForEquipment(equipmentId: string, sinceMs: number): Promise<CommandDoc[]> {
    const { resources } = await this.container.items
      .query<unknown>({ query: 'SELECT * FROM c WHERE c.equipmentId = @e AND c.updatedAtMs >= @since', parameters: [{ name: '@e', value: equipmentId }, { name: '@since', value: sinceMs }] })
      .fetchAll();
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

/** Manual overrides in Cosmos container `scada-overrides` (partition key /scopeKey, id = scope key). */
export class CosmosOverrideStore implements OverrideStore {
  constructor(private readonly container: Container) {}

  static async create(client: CosmosClient, database: string, opts: { createIfMissing: boolean }): Promise<CosmosOverrideStore> {
    return new CosmosOverrideStore(await openContainer(client, database, SCADA_OVERRIDES_CONTAINER, '/scopeKey', opts.createIfMissing));
  }

  async get(scopeKey: string): Promise<OverrideDoc | undefined> {
    return (await this.read(scopeKey))?.doc;
  }

  async put(doc: OverrideDoc, expectedVersion: number | undefined): Promise<void> {
    const conflict = (found: number | string) => new OverrideConflictError('version', `Override ${doc.scopeKey} changed meanwhile (now version ${found}); read it again and retry`);
    if (expectedVersion === undefined) {
      try {
        await this.container.items.create(OverrideDoc.parse(doc));
        return;
      } catch (e) {
        if (statusOf(e) === 409) throw conflict('unknown');
        throw e;
      }
    }
    const current = await this.read(doc.scopeKey);
    if (current?.doc.version !== expectedVersion) throw conflict(current?.doc.version ?? 'none');
    try {
      await this.container.item(doc.scopeKey, doc.scopeKey).replace(OverrideDoc.parse(doc), { accessCondition: { type: 'IfMatch', condition: current.etag } });
    } catch (e) {
      if (statusOf(e) === 412) throw conflict('unknown');
      throw e;
    }
  }

  private async read(scopeKey: string): Promise<{ doc: OverrideDoc; etag: string } | undefined> {
    try {
      const { resource } = await this.container.item(scopeKey, scopeKey).read<OverrideDoc & { _etag: string }>();
      return resource ? { doc: OverrideDoc.parse(resource), etag: resource._etag } : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }
}
