import { settings } from '../config/settings.js';
import type { HotStateStore, LineStateReader } from '../telemetry/hot-state.js';
import { appCosmosClient, localCosmos, once } from './composition-root.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';

/**
 * The cell-state store for readers (API, dispatcher), a cell or a line at a time, built once per process; a failed
 * start is retried on the next call.
 */
export const hotStateStore = once<HotStateStore & LineStateReader>(async () =>
  CosmosHotStateStore.create(appCosmosClient(), settings().COSMOS_DATABASE, { createIfMissing: localCosmos() }),
);
