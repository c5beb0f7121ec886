import { isLoopback, settings } from '../config/settings.js';
import type { HotStateStore } from '../telemetry/hot-state.js';
import { cosmosClient } from './clients.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';

let store: Promise<HotStateStore> | undefined;
/** The cell-state store for readers (API), built once per process; a failed start is retried on the next call. */
export function hotStateStore(): Promise<HotStateStore> {
  store ??= (async () => {
    const s = settings();
    return CosmosHotStateStore.create(cosmosClient(s), s.COSMOS_DATABASE, {
      createIfMissing: Boolean(s.COSMOS_KEY && s.COSMOS_ENDPOINT && isLoopback(s.COSMOS_ENDPOINT)),
    });
  })().catch((e: unknown) => {
    store = undefined;
    throw e;
  });
  return store;
}
