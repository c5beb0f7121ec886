import type { Container, CosmosClient } from '@azure/cosmos';
import { CellStateDoc, type HotStateStore, type LineStateReader } from '../telemetry/hot-state.js';
import { openContainer } from './open-container.js';
import { readItem } from './read-item.js';

/** Container of the per-cell latest values (DESIGN §4), partition key /cellId. */
export const CELL_STATE_CONTAINER = 'cell-state';

/** The hot state in Cosmos DB: one document per cell, id = cellId. */
export class CosmosHotStateStore implements HotStateStore, LineStateReader {
  private constructor(private readonly container: Container) {}

  /**
   * Opens the container. `createIfMissing` is for the local server only (it starts empty); in Azure the database
   * and container are deployed by Bicep and the app's identity has data-plane rights only.
   */
  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosHotStateStore> {
    return new CosmosHotStateStore(
      await openContainer(client, database, CELL_STATE_CONTAINER, '/cellId', opts.createIfMissing),
    );
  }

  /**
   * The cell's latest values; undefined only when the container answers that it holds none. A missing container or
   * an unreachable server throws (read-item.ts): the safety envelope reads this, and "cannot tell" must not read as
   * "no telemetry" any more than as "all is well".
   */
  async getCell(cellId: string): Promise<CellStateDoc | undefined> {
    const resource = await readItem<CellStateDoc>(this.container, cellId, cellId);
    if (!resource) return undefined;
    const { id, cellId: c, lineId, tags, updatedAtMs } = resource;
    return CellStateDoc.parse({ id, cellId: c, lineId, tags, updatedAtMs });
  }

  async upsertCell(doc: CellStateDoc): Promise<void> {
    await this.container.items.upsert(CellStateDoc.parse(doc));
  }

  async cellsOfLine(lineId: string): Promise<CellStateDoc[]> {
    // Cross-partition (the partition is the cell): one query per run, a few hundred small documents.
    const { resources } = await this.container.items
      .query<CellStateDoc>({
        query: 'SELECT c.id, c.cellId, c.lineId, c.tags, c.updatedAtMs FROM c WHERE c.lineId = @line',
        parameters: [{ name: '@line', value: lineId }],
      })
      .fetchAll();
    return resources.map((r) => CellStateDoc.parse(r)).sort((a, b) => a.cellId.localeCompare(b.cellId));
  }

  async activeLines(sinceMs: number): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ lineId: string }>({
        query: 'SELECT c.lineId FROM c WHERE c.updatedAtMs >= @since',
        parameters: [{ name: '@since', value: sinceMs }],
      })
      .fetchAll();
    return [...new Set(resources.map((r) => r.lineId))].sort();
  }
}
