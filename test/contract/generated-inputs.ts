import { COSMOS_CONTAINERS, HOST_STORAGE_CONTAINERS, LAKE_CONTAINERS } from '../../shared/azure/containers.js';
import { messagingInfrastructure } from '../../shared/messaging/subscriptions.js';
import { brokerPermissions } from '../../shared/sparkplug/broker-permissions.js';
import { DEFAULT_GROUP_ID, DEFAULT_HOST_ID } from '../../shared/sparkplug/topic.js';

/** Paths (relative to bicep/) of the JSON files main.bicep loads with loadJsonContent. */
export const GENERATED_MESSAGING = 'shared-generated/messaging.json';
export const GENERATED_CONTAINERS = 'shared-generated/containers.json';
export const GENERATED_PLANT_MQTT = 'shared-generated/plant-mqtt.json';

/** The text of every generated Bicep input, derived from the code's single definitions (stable formatting). */
export function generatedBicepInputs(): Record<string, string> {
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return {
    [GENERATED_MESSAGING]: json(messagingInfrastructure()),
    [GENERATED_CONTAINERS]: json({
      lakeContainers: [...LAKE_CONTAINERS],
      cosmosContainers: COSMOS_CONTAINERS.map((c) => ({ name: c.name, partitionKey: c.partitionKey })),
      hostContainers: [...HOST_STORAGE_CONTAINERS],
    }),
    [GENERATED_PLANT_MQTT]: json(brokerPermissions(DEFAULT_GROUP_ID, DEFAULT_HOST_ID)),
  };
}
