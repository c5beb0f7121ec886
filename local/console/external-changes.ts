/**
 * How many set-point changes the platform saw made outside it (the HMI, a local panel, another client) since a
 * moment: the read-back observer's `external` change records in Cosmos `scada-readback`.
 */
import { cosmosClient } from '../../shared/azure/clients.js';
import { SCADA_READBACK_CONTAINER } from '../../shared/azure/cosmos-readback-store.js';
import { settings } from '../../shared/config/settings.js';

export async function countExternalChanges(sinceMs: number): Promise<number> {
  const s = settings();
  const container = cosmosClient(s).database(s.COSMOS_DATABASE).container(SCADA_READBACK_CONTAINER);
  const { resources } = await container.items
    .query<number>({
      query:
        "SELECT VALUE COUNT(1) FROM c WHERE c.kind = 'setpoint-change' AND c.origin = 'external' AND c.atMs >= @since",
      parameters: [{ name: '@since', value: sinceMs }],
    })
    .fetchAll();
  return resources[0] ?? 0;
}
