import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { toServiceBusMessage } from '../messaging/cloud-event.js';
import { serviceBusTarget, SERVICE_BUS_CONNECTION_SETTING, type ServiceBusTarget } from '../messaging/connection.js';
import { DevhostEventPublisher } from '../messaging/devhost-publisher.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { PLANT_EVENTS_TOPIC } from '../messaging/subscriptions.js';
import { azureCredential } from './clients.js';

/** The SDK message for a plant event: messageId = CloudEvent id, so topic duplicate detection drops a re-send. */
export function sdkMessage(event: PlantEvent): ServiceBusMessage {
  const m = toServiceBusMessage(event);
  return {
    body: m.body,
    messageId: m.messageId,
    contentType: m.contentType,
    subject: m.subject,
    correlationId: m.correlationId,
    applicationProperties: m.applicationProperties,
  };
}

/** A ServiceBusClient for an Azure target: managed identity (DefaultAzureCredential) or a SAS connection string. */
export function serviceBusClient(target: Exclude<ServiceBusTarget, { kind: 'devhost' }>): ServiceBusClient {
  return target.kind === 'azure-identity'
    ? new ServiceBusClient(target.fullyQualifiedNamespace, azureCredential())
    : new ServiceBusClient(target.connectionString);
}

/** Publishes plant events with a ServiceBusSender; batches so any number of events goes out within the message size limit. */
export class ServiceBusEventPublisher implements EventPublisher {
  readonly #sender: ServiceBusSender;

  constructor(
    private readonly client: ServiceBusClient,
    topic = PLANT_EVENTS_TOPIC,
  ) {
    this.#sender = client.createSender(topic);
  }

  async publish(events: readonly PlantEvent[]): Promise<void> {
    let batch = await this.#sender.createMessageBatch();
    for (const event of events) {
      const message = sdkMessage(event);
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0)
        throw new RangeError(
          `ERR-EVENT-TOO-LARGE: event ${event.id} (${event.type}) exceeds the Service Bus message size limit; put large data in the lake and send a reference`,
        );
      await this.#sender.sendMessages(batch);
      batch = await this.#sender.createMessageBatch();
      if (!batch.tryAddMessage(message))
        throw new RangeError(
          `ERR-EVENT-TOO-LARGE: event ${event.id} (${event.type}) exceeds the Service Bus message size limit; put large data in the lake and send a reference`,
        );
    }
    if (batch.count > 0) await this.#sender.sendMessages(batch);
  }

  async close(): Promise<void> {
    await this.#sender.close();
    await this.client.close();
  }
}

/**
 * The publisher the settings call for: Azure (managed identity or connection string) when `ServiceBusConnection…`
 * names a namespace, the devhost's local topic when the devhost set `ServiceBusConnection`. Throws naming the setting.
 */
export function createEventPublisher(
  env: Record<string, string | undefined> = process.env,
  connection = SERVICE_BUS_CONNECTION_SETTING,
): EventPublisher {
  const target = serviceBusTarget(env, connection);
  if (target.kind === 'devhost') return new DevhostEventPublisher(target.endpoint, undefined, target.key);
  return new ServiceBusEventPublisher(serviceBusClient(target));
}
