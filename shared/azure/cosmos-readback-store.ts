import type { Container, CosmosClient } from '@azure/cosmos';
import { changeIdOf, mergeReports, ReadbackDoc, ReadbackUnavailableError, SetpointChangeDoc, type ReadbackStore } from '../scada/readback.js';
import { openContainer, statusOf } from './open-container.js';

/** Container and partition key (as declared in shared/azure/containers.ts). */
export const SCADA_READBACK_CONTAINER = 'scada-readback';

/** Attempts at the read-merge-replace of an equipment's reports before giving up (each 412 means a concurrent writer). */
const SAVE_ATTEMPTS = 5;

/**
 * Read-back in Cosmos container `scada-readback` (partition key /equipmentId): the newest reports as one document
 * (id = equipment id) and one document per reported change. Reads are queries, never point reads: a point read
 * answers 404 both for a document that does not exist and for a container that does not, and only the first may
 * mean "never reported". A query against a missing container fails, and so does the envelope (fail closed).
 */
export class CosmosReadbackStore implements ReadbackStore {
  constructor(private readonly container: Container) {}

  static async create(client: CosmosClient, database: string, opts: { createIfMissing: boolean }): Promise<CosmosReadbackStore> {
    return new CosmosReadbackStore(await openContainer(client, database, SCADA_READBACK_CONTAINER, '/equipmentId', opts.createIfMissing));
  }

  async latest(equipmentId: string): Promise<ReadbackDoc | undefined> {
    const found = await this.query(equipmentId, 'SELECT * FROM c WHERE c.equipmentId = @e AND c.kind = "readback"', [{ name: '@e', value: equipmentId }]);
    return found[0] === undefined ? undefined : parseOrThrow(ReadbackDoc, found[0], equipmentId);
  }

  async changesSince(equipmentId: string, sinceMs: number): Promise<SetpointChangeDoc[]> {
    const found = await this.query(equipmentId, 'SELECT * FROM c WHERE c.equipmentId = @e AND c.kind = "setpoint-change" AND c.atMs >= @since ORDER BY c.atMs ASC', [
      { name: '@e', value: equipmentId },
      { name: '@since', value: sinceMs },
    ]);
    return found.map((r) => parseOrThrow(SetpointChangeDoc, r, equipmentId));
  }

  async latestForLine(lineId: string): Promise<ReadbackDoc[]> {
    const found = await this.query(undefined, 'SELECT * FROM c WHERE c.lineId = @l AND c.kind = "readback"', [{ name: '@l', value: lineId }]);
    return found.map((r) => parseOrThrow(ReadbackDoc, r, lineId));
  }

  async changesForLineSince(lineId: string, sinceMs: number): Promise<SetpointChangeDoc[]> {
    const found = await this.query(undefined, 'SELECT * FROM c WHERE c.lineId = @l AND c.kind = "setpoint-change" AND c.atMs >= @since ORDER BY c.atMs ASC', [
      { name: '@l', value: lineId },
      { name: '@since', value: sinceMs },
    ]);
    return found.map((r) => parseOrThrow(SetpointChangeDoc, r, lineId));
  }

  async hasChange(equipmentId: string, changeId: string): Promise<boolean> {
    const found = await this.query(equipmentId, 'SELECT c.id FROM c WHERE c.equipmentId = @e AND c.id = @id', [
      { name: '@e', value: equipmentId },
      { name: '@id', value: changeId },
    ]);
    return found.length > 0;
  }

  async recordChange(doc: SetpointChangeDoc): Promise<boolean> {
    const parsed = SetpointChangeDoc.parse(doc);
    if (parsed.id !== changeIdOf(parsed.equipmentId, parsed.field, parsed.atMs, parsed.to)) throw new RangeError(`change id ${parsed.id} does not match its equipment, field, time and value`);
    try {
      await this.container.items.create(parsed);
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async saveLatest(doc: ReadbackDoc): Promise<void> {
    const incoming = ReadbackDoc.parse(doc);
    for (let attempt = 1; ; attempt++) {
      const [stored] = await this.query(incoming.equipmentId, 'SELECT * FROM c WHERE c.equipmentId = @e AND c.kind = "readback"', [{ name: '@e', value: incoming.equipmentId }]);
      try {
        if (stored === undefined) {
          await this.container.items.create(incoming);
        } else {
          const current = parseOrThrow(ReadbackDoc, stored, incoming.equipmentId);
          const etag = (stored as { _etag: string })._etag;
          await this.container.item(incoming.id, incoming.equipmentId).replace(mergeReports(current, incoming), { accessCondition: { type: 'IfMatch', condition: etag } });
        }
        return;
      } catch (e) {
        const status = statusOf(e);
        if ((status !== 409 && status !== 412) || attempt >= SAVE_ATTEMPTS) throw e;
      }
    }
  }

  /** Runs a query in one equipment's partition (or across partitions when undefined); any failure is "unavailable". */
  private async query(equipmentId: string | undefined, query: string, parameters: { name: string; value: string | number }[]): Promise<unknown[]> {
    try {
      const { resources } = await this.container.items.query<unknown>({ query, parameters }, equipmentId === undefined ? {} : { partitionKey: equipmentId }).fetchAll();
      return resources;
    } catch (e) {
      throw new ReadbackUnavailableError(`${SCADA_READBACK_CONTAINER}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function parseOrThrow<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, owner: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ReadbackUnavailableError(`a stored document of ${owner} is unreadable: ${parsed.error.message}`);
  return parsed.data;
}
