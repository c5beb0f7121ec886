/**
 * Sends bodies to a real Azure Event Hub with @azure/event-hubs: one batch per partition key (createBatch with
 * partitionKey, so the service hashes the key exactly as the local hub does), sent when full.
 *
 * Bodies go as raw UTF-8 bytes: the SDK would JSON-encode a string body a second time, and a malformed body
 * must arrive byte for byte as it was made.
 */
import { EventHubProducerClient } from '@azure/event-hubs';
import { DefaultAzureCredential } from '@azure/identity';
import { z } from 'zod';
import type { EventBody } from '../bodies.js';
import { fromZodIssues, SimulatorError } from '../errors.js';
import type { TelemetrySink } from './sink.js';

export const EventHubsSinkOptions = z
  .object({
    /** `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…` (optionally with EntityPath). */
    connectionString: z.string().min(1).optional(),
    /** `<namespace>.servicebus.windows.net`, used with DefaultAzureCredential (managed identity, az login). */
    fullyQualifiedNamespace: z.string().min(1).optional(),
    eventHubName: z.string().min(1).default('telemetry'),
  })
  .refine((o) => o.connectionString !== undefined || o.fullyQualifiedNamespace !== undefined, {
    path: ['connectionString'],
    message: 'set a connection string or a fully qualified namespace',
  });
export type EventHubsSinkOptions = z.input<typeof EventHubsSinkOptions>;

/** Partition keys sent concurrently, at most. */
const MAX_KEYS_IN_FLIGHT = 16;

/** Creates the producer from options and returns a sink over it. */
export function eventHubsSink(input: EventHubsSinkOptions): TelemetrySink {
  const parsed = EventHubsSinkOptions.safeParse(input);
  if (!parsed.success) throw fromZodIssues('SIM-CONFIG', 'Invalid Event Hubs sink options', parsed.error.issues);
  const options = parsed.data;
  const client = options.connectionString
    ? new EventHubProducerClient(options.connectionString, options.eventHubName)
    : new EventHubProducerClient(options.fullyQualifiedNamespace!, options.eventHubName, new DefaultAzureCredential());
  return producerSink(client);
}

/** A sink over an existing producer client (the caller owns its credentials). */
export function producerSink(client: EventHubProducerClient): TelemetrySink {
  return {
    async send(events: EventBody[]) {
      const byKey = new Map<string, EventBody[]>();
      for (const e of events) {
        const list = byKey.get(e.partitionKey);
        if (list) list.push(e);
        else byKey.set(e.partitionKey, [e]);
      }
      // A bounded number of partition keys in flight: enough to fill the link without a burst of 300 batches.
      const keys = [...byKey];
      for (let i = 0; i < keys.length; i += MAX_KEYS_IN_FLIGHT) {
        await Promise.all(
          keys.slice(i, i + MAX_KEYS_IN_FLIGHT).map(([partitionKey, list]) => sendForKey(client, partitionKey, list)),
        );
      }
    },
    close: () => client.close(),
  };
}

async function sendForKey(client: EventHubProducerClient, partitionKey: string, events: EventBody[]): Promise<void> {
  let batch = await client.createBatch({ partitionKey });
  for (const e of events) {
    const data = { body: Buffer.from(e.body, 'utf8'), contentType: 'application/json' };
    if (batch.tryAdd(data)) continue;
    if (batch.count === 0) {
      throw new SimulatorError(
        'SIM-SINK',
        'body',
        `A body of ${data.body.length} bytes for ${partitionKey} exceeds the Event Hub's maximum batch size ${batch.maxSizeInBytes}`,
      );
    }
    await client.sendBatch(batch);
    batch = await client.createBatch({ partitionKey });
    if (!batch.tryAdd(data)) {
      throw new SimulatorError(
        'SIM-SINK',
        'body',
        `A body of ${data.body.length} bytes for ${partitionKey} exceeds the Event Hub's maximum batch size ${batch.maxSizeInBytes}`,
      );
    }
  }
  if (batch.count > 0) await client.sendBatch(batch);
}
