import type { Container, CosmosClient, ErrorResponse } from '@azure/cosmos';

const statusOf = (err: unknown) => (err as ErrorResponse | undefined)?.code;

/**
 * Opens a container. `createIfMissing` only for the local server (in Azure Bicep deploys them and the app has
 * data-plane rights only); there, two stores opening at once can both find the database missing and one create
 * answers 409, so a conflict is retried (the second read finds what the other created).
 */
export async function openContainer(client: CosmosClient, database: string, id: string, partitionKey: string, createIfMissing: boolean): Promise<Container> {
  if (!createIfMissing) return client.database(database).container(id);
  for (let attempt = 1; ; attempt++) {
    try {
      const { database: db } = await client.databases.createIfNotExists({ id: database });
      const { container } = await db.containers.createIfNotExists({ id, partitionKey: { paths: [partitionKey] } });
      return container;
    } catch (e) {
      if (statusOf(e) !== 409 || attempt >= 3) throw e;
    }
  }
}
