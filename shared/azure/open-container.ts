import type { Container, CosmosClient, ErrorResponse } from '@azure/cosmos';

/** The HTTP status of a failed Cosmos call (404 missing, 409 exists, 412 changed since read). */
export const statusOf = (err: unknown) => (err as ErrorResponse | undefined)?.code;

/** Cosmos returns `_etag` quoted; the local server does not. HTTP wants a quoted strong ETag. */
export const httpEtag = (raw: string) => (raw.startsWith('"') ? raw : `"${raw}"`);

/** Attempts at creating a missing database or container before giving up (each 409 means another starter won). */
const CREATE_ATTEMPTS = 5;

/**
 * Opens a Cosmos container; `createIfMissing` only for the local server, which starts empty (in Azure Bicep deploys
 * the containers and the app has data-plane rights only). Functions starting together race to create the database:
 * the loser's 409 is retried, and then finds what the winner made.
 */
export async function openContainer(
  client: CosmosClient,
  database: string,
  id: string,
  partitionKey: string,
  createIfMissing: boolean,
): Promise<Container> {
  if (!createIfMissing) return client.database(database).container(id);
  for (let attempt = 1; ; attempt++) {
    try {
      const { database: db } = await client.databases.createIfNotExists({ id: database });
      const { container } = await db.containers.createIfNotExists({ id, partitionKey: { paths: [partitionKey] } });
      return container;
    } catch (e) {
      if (statusOf(e) !== 409 || attempt >= CREATE_ATTEMPTS) throw e;
    }
  }
}
