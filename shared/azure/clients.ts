import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { isLoopback, SettingsError, type Settings } from '../config/settings.js';

let credential: DefaultAzureCredential | undefined;
let cosmosClientsBuilt = 0;

/** How many CosmosClients this process has built (the composition root builds one; test/architecture counts). */
export function cosmosClientsBuiltSoFar(): number {
  return cosmosClientsBuilt;
}
/** One DefaultAzureCredential per process (it caches tokens). */
export function azureCredential(): DefaultAzureCredential {
  credential ??= new DefaultAzureCredential();
  return credential;
}

/** The lake's BlobServiceClient: connection string locally (Azurite), managed identity on the blob endpoint in Azure. */
export function lakeServiceClient(
  s: Pick<Settings, 'LakeConnection' | 'LakeConnection__blobServiceUri'>,
): BlobServiceClient {
  if (s.LakeConnection) return BlobServiceClient.fromConnectionString(s.LakeConnection);
  if (s.LakeConnection__blobServiceUri)
    return new BlobServiceClient(s.LakeConnection__blobServiceUri, azureCredential());
  throw new SettingsError(
    'LakeConnection',
    'set LakeConnection (connection string) or LakeConnection__blobServiceUri (managed identity)',
  );
}

/**
 * The CosmosClient: the key only for the local Cosmos-compatible server (plain HTTP on loopback, so endpoint
 * discovery is off), Entra ID (`aadCredentials`) everywhere else.
 */
export function cosmosClient(s: Pick<Settings, 'COSMOS_ENDPOINT' | 'COSMOS_KEY'>): CosmosClient {
  cosmosClientsBuilt++;
  if (!s.COSMOS_ENDPOINT)
    throw new SettingsError(
      'COSMOS_ENDPOINT',
      'set the Cosmos DB account endpoint (the local server prints it at start)',
    );
  if (s.COSMOS_KEY) {
    if (!isLoopback(s.COSMOS_ENDPOINT))
      throw new SettingsError(
        'COSMOS_KEY',
        'keys are only for the local Cosmos server; in Azure leave it unset so managed identity is used',
      );
    return new CosmosClient({
      endpoint: s.COSMOS_ENDPOINT,
      key: s.COSMOS_KEY,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  }
  return new CosmosClient({ endpoint: s.COSMOS_ENDPOINT, aadCredentials: azureCredential() });
}

/**
 * The host storage account's BlobServiceClient (where parked batches go): the connection string locally, the
 * account's blob endpoint with managed identity in Azure.
 */
export function hostStorageServiceClient(
  s: Pick<Settings, 'AzureWebJobsStorage' | 'AzureWebJobsStorage__accountName' | 'AzureWebJobsStorage__blobServiceUri'>,
): BlobServiceClient {
  if (s.AzureWebJobsStorage) return BlobServiceClient.fromConnectionString(s.AzureWebJobsStorage);
  const uri =
    s.AzureWebJobsStorage__blobServiceUri ??
    (s.AzureWebJobsStorage__accountName ? `https://${s.AzureWebJobsStorage__accountName}.blob.core.windows.net` : '');
  if (uri) return new BlobServiceClient(uri, azureCredential());
  throw new SettingsError(
    'AzureWebJobsStorage',
    'set AzureWebJobsStorage (connection string) or AzureWebJobsStorage__accountName (managed identity)',
  );
}
