import type { Container, CosmosClient } from '@azure/cosmos';
import {
  changeIdOf,
  mergeReports,
  ReadbackDoc,
  ReadbackUnavailableError,
  SetpointChangeDoc,
  type ReadbackDocInput,
  type ReadbackStore,
} from '../scada/readback.js';
import { openContainer, statusOf } from './open-container.js';
import { readItem } from './read-item.js';

/** Container and partition key (as declared in shared/azure/containers.ts). */
export const SCADA_READBACK_CONTAINER = 'scada-readback';

/** Attempts at the read-merge-replace of an equipment's reports before giving up (each 412 means a concurrent writer). */
const SAVE_ATTEMPTS = 5;

/**
 * Read-back in Cosmos container `scada-readback` (partition key /equipmentId): the newest reports with the recent
 * changes as one document (id = equipment id), and one document per reported change for the history. Reads fail
 * closed (read-item.ts): a missing container or an unreadable document is an error, never "never reported".
 */
export class CosmosReadbackStore implements ReadbackStore {
  /**
   * Each equipment's document as this instance last read or wrote it, with its etag: the merge before a write starts
   * from it, and If-Match proves it is still what is stored (no read before a write on the usual path).
   */
  readonly #seen = new Map<string, { doc: ReadbackDoc; etag: string }>();

  constructor(private readonly container: Container) {}

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosReadbackStore> {
    return new CosmosReadbackStore(
      await openContainer(client, database, SCADA_READBACK_CONTAINER, '/equipmentId', opts.createIfMissing),
    );
  }

  async latest(equipmentId: string): Promise<ReadbackDoc | undefined> {
    const found = await this.read(equipmentId, equipmentId);
    if (!found) {
      this.#seen.delete(equipmentId);
      return undefined;
    }
    const doc = parseOrThrow(ReadbackDoc, found, equipmentId);
    this.#seen.set(equipmentId, { doc, etag: found._etag });
    return structuredClone(doc);
  }

  async latestForLine(lineId: string): Promise<ReadbackDoc[]> {
    const found = await this.query('SELECT * FROM c WHERE c.lineId = @l AND c.kind = "readback"', [
      { name: '@l', value: lineId },
    ]);
    return found.map((r) => parseOrThrow(ReadbackDoc, r, lineId));
  }

  async changesSince(equipmentId: string, sinceMs: number): Promise<SetpointChangeDoc[]> {
    const found = await this.query(
      'SELECT * FROM c WHERE c.equipmentId = @e AND c.kind = "setpoint-change" AND c.atMs >= @since ORDER BY c.atMs ASC',
      [
        { name: '@e', value: equipmentId },
        { name: '@since', value: sinceMs },
      ],
      equipmentId,
    );
    return found.map((r) => parseOrThrow(SetpointChangeDoc, r, equipmentId));
  }

  async hasChange(equipmentId: string, changeId: string): Promise<boolean> {
    return (await this.read(changeId, equipmentId)) !== undefined;
  }

  async recordChange(doc: SetpointChangeDoc): Promise<boolean> {
    const parsed = SetpointChangeDoc.parse(doc);
    if (parsed.id !== changeIdOf(parsed.equipmentId, parsed.field, parsed.atMs, parsed.to))
      throw new RangeError(`change id ${parsed.id} does not match its equipment, field, time and value`);
    try {
      await this.container.items.create(parsed);
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  /**
   * Merges into the document last seen here and replaces it under If-Match of its etag (no read first on the usual
   * path of one writer per partition); on a conflict, or with nothing seen yet, it reads, merges and tries again.
   */
  async saveLatest(doc: ReadbackDocInput): Promise<void> {
    const incoming = ReadbackDoc.parse(doc);
    const id = incoming.equipmentId;
    for (let attempt = 1; ; attempt++) {
      const seen = this.#seen.get(id);
      const next = mergeReports(seen?.doc, incoming);
      try {
        const { resource } = seen
          ? await this.container
              .item(id, id)
              .replace(next, { accessCondition: { type: 'IfMatch', condition: seen.etag } })
          : await this.container.items.create(next);
        if (resource?._etag) this.#seen.set(id, { doc: next, etag: resource._etag });
        else this.#seen.delete(id);
        return;
      } catch (e) {
        const status = statusOf(e);
        if ((status !== 409 && status !== 412 && status !== 404) || attempt >= SAVE_ATTEMPTS) throw e;
        await this.latest(id);
      }
    }
  }

  private async read(
    id: string,
    equipmentId: string,
  ): Promise<(Record<string, unknown> & { _etag: string }) | undefined> {
    try {
      return await readItem<Record<string, unknown>>(this.container, id, equipmentId);
    } catch (e) {
      throw new ReadbackUnavailableError(e instanceof Error ? e.message : String(e));
    }
  }

  /** Runs a query in one equipment's partition (or across partitions when undefined); any failure is "unavailable". */
  private async query(
    query: string,
    parameters: { name: string; value: string | number }[],
    equipmentId?: string,
  ): Promise<unknown[]> {
    try {
      const { resources } = await this.container.items
        .query<unknown>({ query, parameters }, equipmentId === undefined ? {} : { partitionKey: equipmentId })
        .fetchAll();
      return resources;
    } catch (e) {
      throw new ReadbackUnavailableError(`${SCADA_READBACK_CONTAINER}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function parseOrThrow<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } },
  value: unknown,
  owner: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ReadbackUnavailableError(`a stored document of ${owner} is unreadable: ${parsed.error.message}`);
  return parsed.data;
}
