import type { LakeStore } from '../lake/lake-store.js';
import { PARKED_CONTAINER } from '../telemetry/parked-batches.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appHostStorageClient, once } from './composition-root.js';

/**
 * Where ingestion parks the batches it could not process: the parked container of the host's storage account, a
 * different account from the lake (the usual thing to refuse), through the composition root's client.
 */
export const parkedStoreFromSettings = once<LakeStore>(() =>
  BlobLakeStore.create(appHostStorageClient(), [PARKED_CONTAINER]),
);
