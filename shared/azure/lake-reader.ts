import type { LakeStore } from '../lake/lake-store.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appLakeServiceClient, once } from './composition-root.js';

/**
 * The lake for the API's reads (gold KPIs and telemetry), built once per process for the current settings. It
 * creates no containers: a reader has no business provisioning, and a missing container reads as no data.
 */
export const lakeReaderFromSettings = once<LakeStore>(async () => BlobLakeStore.create(appLakeServiceClient(), []));
