import { isLoopback, settings } from '../config/settings.js';
import { newSensorStateStore } from '../telemetry/cleanse.js';
import type { IngestDeps, IngestLog } from '../telemetry/ingest.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { cosmosClient, lakeServiceClient } from './clients.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';

let shared: Promise<Omit<IngestDeps, 'log'>> | undefined;

/**
 * The ingest function's dependencies, built once per process from the app settings (lake, hot state, sensor
 * state); `log` is the invocation's. A failed start is not cached, so the next invocation tries again.
 */
export async function ingestDependencies(log: IngestLog): Promise<IngestDeps> {
  shared ??= build().catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return { ...(await shared), log };
}

async function build(): Promise<Omit<IngestDeps, 'log'>> {
  const s = settings();
  const lake = await BlobLakeStore.create(lakeServiceClient(s));
  const client = cosmosClient(s);
  const hotState = await CosmosHotStateStore.create(client, s.COSMOS_DATABASE, {
    createIfMissing: Boolean(s.COSMOS_KEY && s.COSMOS_ENDPOINT && isLoopback(s.COSMOS_ENDPOINT)),
  });
  return { lake, hotState, sensors: newSensorStateStore(s.CLEANSING_WINDOW), settings: s };
}

/** Forget the built dependencies (tests and the devhost restart with new settings). */
export function resetIngestDependencies(): void {
  shared = undefined;
}
