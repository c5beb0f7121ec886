import type { LakeStore } from '../lake/lake-store.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appLakeServiceClient, once } from './composition-root.js';

/**
 * The lake the lab-sample API writes (bronze: the batch as sent; silver: the samples kept; quarantine: the rows
 * refused) and reads, built once per process; it creates those containers when they are missing.
 */
export const labLakeFromSettings = once<LakeStore>(async () =>
  BlobLakeStore.create(appLakeServiceClient(), ['bronze', 'silver', 'quarantine']),
);
