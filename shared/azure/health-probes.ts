import type { Settings } from '../config/settings.js';
import type { Probe } from '../health/health.js';
import { appCosmosClient, appLakeServiceClient } from './composition-root.js';

/** Probes of the dependencies the app needs to do its work: the lake account and the Cosmos database. */
export function dependencyProbes(s: Settings): Record<string, Probe> {
  return {
    lake: async () => {
      // Data-plane only (works with Storage Blob Data roles): the silver container must exist.
      const exists = await appLakeServiceClient().getContainerClient('silver').exists();
      if (!exists) throw new Error('container "silver" does not exist in the lake account');
    },
    cosmos: async () => {
      await appCosmosClient().database(s.COSMOS_DATABASE).read();
    },
  };
}
