/**
 * Writes what ingestion and the set-point read-back observer would have written for a simulated line (Cosmos
 * `cell-state` and `scada-readback`), for tests and benchmarks that start an optimisation run without streaming
 * telemetry through the hub first.
 */
import type { CosmosClient } from '@azure/cosmos';
import { CosmosHotStateStore } from '../../shared/azure/cosmos-hot-state.js';
import { CosmosReadbackStore } from '../../shared/azure/cosmos-readback-store.js';
import type { CellStateDoc } from '../../shared/telemetry/hot-state.js';
import { readbackDocsOf } from './cell-state.js';

export async function seedPlantStores(
  client: CosmosClient,
  database: string,
  docs: readonly CellStateDoc[],
): Promise<void> {
  const [hot, readback] = await Promise.all([
    CosmosHotStateStore.create(client, database, { createIfMissing: true }),
    CosmosReadbackStore.create(client, database, { createIfMissing: true }),
  ]);
  for (const doc of docs) await hot.upsertCell(doc);
  for (const doc of readbackDocsOf(docs)) await readback.saveLatest(doc);
}
