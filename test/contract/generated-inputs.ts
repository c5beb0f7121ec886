import { COSMOS_CONTAINERS, LAKE_CONTAINERS } from '../../shared/azure/containers.js';
import { messagingInfrastructure } from '../../shared/messaging/subscriptions.js';

/** Paths (relative to bicep/) of the JSON files main.bicep loads with loadJsonContent. */
export const GENERATED_MESSAGING = 'shared-generated/messaging.json';
export const GENERATED_CONTAINERS = 'shared-generated/containers.json';

/** The text of every generated Bicep input, derived from the code's single definitions (stable formatting). */
export function generatedBicepInputs(): Record<string, string> {
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return {
    [GENERATED_MESSAGING]: json(messagingInfrastructure()),
    [GENERATED_CONTAINERS]: json({
      lakeContainers: [...LAKE_CONTAINERS],
      cosmosContainers: COSMOS_CONTAINERS.map((c) => ({ name: c.name, partitionKey: c.partitionKey })),
    }),
  };
}
