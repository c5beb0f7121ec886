/**
 * The composition root: one CosmosClient, one lake and one host-storage BlobServiceClient, one credential and one plant-events publisher
 * per process, shared by every function the process hosts (a new client only when the settings name another
 * endpoint, as tests do between suites), and the one build-once helper and local-vs-Azure decision. Every
 * `…FromSettings` builder in shared/azure takes its clients from here; nothing else in the app constructs one
 * (test/architecture counts them), and the health probe reuses them.
 */
import type { Container, CosmosClient } from '@azure/cosmos';
import type { BlobServiceClient } from '@azure/storage-blob';
import { isLoopback, settings } from '../config/settings.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { cosmosClient, hostStorageServiceClient, lakeServiceClient } from './clients.js';
import { openContainer } from './open-container.js';
import { createEventPublisher } from './service-bus-publisher.js';

let cosmos: { key: string; client: CosmosClient } | undefined;
let lake: { key: string; client: BlobServiceClient } | undefined;
let hostStorage: { key: string; client: BlobServiceClient } | undefined;
const containers = new Map<string, Promise<Container>>();

/** The process's CosmosClient for the current settings. */
export function appCosmosClient(): CosmosClient {
  const s = settings();
  const key = `${s.COSMOS_ENDPOINT ?? ''}|${s.COSMOS_KEY ?? ''}`;
  if (cosmos?.key !== key) {
    cosmos?.client.dispose();
    cosmos = { key, client: cosmosClient(s) };
    containers.clear();
  }
  return cosmos.client;
}

/** The process's lake BlobServiceClient for the current settings. */
export function appLakeServiceClient(): BlobServiceClient {
  const s = settings();
  const key = `${s.LakeConnection ?? ''}|${s.LakeConnection__blobServiceUri ?? ''}`;
  if (lake?.key !== key) lake = { key, client: lakeServiceClient(s) };
  return lake.client;
}

/** The process's BlobServiceClient on the host storage account (parked batches) for the current settings. */
export function appHostStorageClient(): BlobServiceClient {
  const s = settings();
  const key = `${s.AzureWebJobsStorage ?? ''}|${s.AzureWebJobsStorage__accountName ?? ''}|${s.AzureWebJobsStorage__blobServiceUri ?? ''}`;
  if (hostStorage?.key !== key) hostStorage = { key, client: hostStorageServiceClient(s) };
  return hostStorage.client;
}

/**
 * True when the settings name the local Cosmos-compatible server: it starts empty, so containers are created if
 * missing. In Azure Bicep deploys them and the app's identity has data-plane rights only.
 */
export function localCosmos(): boolean {
  const s = settings();
  return Boolean(s.COSMOS_KEY && s.COSMOS_ENDPOINT && isLoopback(s.COSMOS_ENDPOINT));
}

/** A container of the app's database, opened once per process (created first on the local server). */
export function appContainer(name: string, partitionKey: string): Promise<Container> {
  const client = appCosmosClient();
  const key = `${settings().COSMOS_DATABASE}/${name}`;
  let found = containers.get(key);
  if (!found) {
    found = openContainer(client, settings().COSMOS_DATABASE, name, partitionKey, localCosmos()).catch((e: unknown) => {
      containers.delete(key);
      throw e;
    });
    containers.set(key, found);
  }
  return found;
}

/**
 * Builds a value once per process and shares it; built again only when the settings are parsed anew (tests point a
 * process at other emulators between suites). A failed build is not cached, so the next call tries again.
 */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: { for: object; value: Promise<T> } | undefined;
  return () => {
    const current = settings();
    if (built?.for !== current) {
      const value = build().catch((e: unknown) => {
        if (built?.value === value) built = undefined;
        throw e;
      });
      built = { for: current, value };
    }
    return built.value;
  };
}

/** The plant-events publisher the settings call for (Service Bus in Azure, the devhost's topic locally). */
export const eventPublisherFromSettings = once<EventPublisher>(async () => createEventPublisher());
