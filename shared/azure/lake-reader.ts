import { settings } from '../config/settings.js';
import type { LakeStore } from '../lake/lake-store.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { lakeServiceClient } from './clients.js';

let current: { key: string; lake: Promise<LakeStore> } | undefined;

/**
 * The lake for the API's reads (gold KPIs and telemetry), built once per process for the current settings. It
 * creates no containers: a reader has no business provisioning, and a missing container reads as no data.
 */
export function lakeReaderFromSettings(): Promise<LakeStore> {
  const s = settings();
  const key = `${s.LakeConnection ?? ''}|${s.LakeConnection__blobServiceUri ?? ''}`;
  if (current?.key !== key) current = { key, lake: BlobLakeStore.create(lakeServiceClient(s), []) };
  return current.lake;
}
