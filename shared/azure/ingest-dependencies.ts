import { settings } from '../config/settings.js';
import { newSensorStateStore } from '../telemetry/cleanse.js';
import type { IngestDeps, IngestLog } from '../telemetry/ingest.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appCosmosClient, appLakeServiceClient, localCosmos, once } from './composition-root.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';
import { currentTagResolver } from './tag-resolver-dependencies.js';

/**
 * The ingest function's dependencies, built once per process from the app settings (lake, hot state, sensor
 * state); `log` is the invocation's, and the tag resolver is the plant model's in force now (a new version applies to
 * the next batch). A failed start is not cached, so the next invocation tries again.
 */
export async function ingestDependencies(log: IngestLog): Promise<IngestDeps> {
  const [deps, tags] = await Promise.all([shared(), currentTagResolver()]);
  return { ...deps, tags, log };
}

const shared = once<Omit<IngestDeps, 'log' | 'tags'>>(async () => {
  const s = settings();
  const lake = await BlobLakeStore.create(appLakeServiceClient());
  const client = appCosmosClient();
  const hotState = await CosmosHotStateStore.create(client, s.COSMOS_DATABASE, {
    createIfMissing: localCosmos(),
  });
  return { lake, hotState, sensors: newSensorStateStore(s.CLEANSING_WINDOW), settings: s };
});
