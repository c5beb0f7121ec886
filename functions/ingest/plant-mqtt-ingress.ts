import { app, trigger, type InvocationContext } from '@azure/functions';
import { routedSparkplugIngressFromSettings } from '../../shared/azure/plant-ingress-dependencies.js';
import { eventsFromTrigger } from '../../shared/telemetry/trigger-events.js';

/**
 * The plant broker's ingress in Azure: Event Grid routes every Sparkplug message, raw, to the `plant-mqtt` hub; this
 * decodes a batch of them with the births it keeps and puts the telemetry points on the telemetry hub (partition key =
 * cellId), where ingest, the alert evaluator and the set-point read-back read them (README "Which hub carries what").
 * A thrown error (the hub or Cosmos unreachable) makes the host deliver the batch again by the policy below.
 */
export async function plantMqttIngress(bodies: unknown[], context: InvocationContext): Promise<void> {
  const events = eventsFromTrigger(bodies, context.triggerMetadata ?? {});
  const ingress = await routedSparkplugIngressFromSettings();
  const summary = await ingress.ingest(
    events.map((e) => e.body),
    events.map((e) => Date.parse(e.enqueuedTimeUtc) || undefined),
  );
  context.info('plant MQTT batch forwarded', {
    partition: events[0]?.partition,
    firstSeq: events[0]?.sequenceNumber,
    lastSeq: events.at(-1)?.sequenceNumber,
    ...summary,
  });
}

// dataType 'binary': the CloudEvent JSON arrives as bytes and is parsed once, by the ingress.
const routedTrigger = {
  ...trigger.eventHub({
    connection: 'EventHubConnection',
    eventHubName: '%PLANT_MQTT_HUB%',
    consumerGroup: '%PLANT_MQTT_CONSUMER_GROUP%',
    cardinality: 'many',
  }),
  dataType: 'binary',
};

app.generic('plantMqttIngress', {
  trigger: routedTrigger,
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: 5,
    minimumInterval: { seconds: 2 },
    maximumInterval: { seconds: 60 },
  },
  handler: (bodies, context) => plantMqttIngress(bodies as unknown[], context),
});
