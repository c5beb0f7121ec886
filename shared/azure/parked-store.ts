import type { LakeStore } from '../lake/lake-store.js';
import { ingestBatch, type IngestLog } from '../telemetry/ingest.js';
import { countWaiting, PARKED_CONTAINER, replayParked, type ReplayResult } from '../telemetry/parked-batches.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appHostStorageClient, once } from './composition-root.js';
import { ingestDependencies } from './ingest-dependencies.js';

/**
 * Where ingestion parks the batches it could not process: the parked container of the host's storage account, a
 * different account from the lake (the usual thing to refuse), through the composition root's client.
 */
export const parkedStoreFromSettings = once<LakeStore>(() =>
  BlobLakeStore.create(appHostStorageClient(), [PARKED_CONTAINER]),
);

/** Parked batches no replay has taken yet (the `smelter.ingest.parked_waiting` gauge). */
export async function parkedWaitingFromSettings(): Promise<number> {
  return countWaiting(await parkedStoreFromSettings());
}

/**
 * Replays the waiting parked batches (or the one at `only`) through ingestion with the app's dependencies from the
 * settings: the same lake, hot state and cleansing as the trigger.
 */
export async function replayParkedFromSettings(log: IngestLog, only?: string): Promise<ReplayResult[]> {
  const [store, deps] = await Promise.all([parkedStoreFromSettings(), ingestDependencies(log)]);
  return replayParked(
    store,
    deps.lake,
    (events, inSilverAlready) => ingestBatch(events, { ...deps, inSilverAlready }),
    {
      ...(only ? { only } : {}),
    },
  );
}
