/**
 * The telemetry hub for producers inside the app (TelemetryHubSender): @azure/event-hubs in Azure — one batch per
 * partition key, so the service hashes the key as the plant's own producers do — and the devhost's hub locally. A
 * Node.js Event Hub output binding cannot set a partition key per event, hence the SDK.
 *
 * Where it goes is read from the `EventHubConnection` settings the triggers use: `__fullyQualifiedNamespace`
 * (managed identity), a SAS connection string, or `UseDevhost=true;Endpoint=…/_devhost/eventhubs` (the devhost sets it).
 */
import { EventHubProducerClient } from '@azure/event-hubs';
import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';
import type { HubEvent, TelemetryHubSender } from '../telemetry/hub-sender.js';
import { azureCredential } from './clients.js';

export const EVENT_HUB_CONNECTION_SETTING = 'EventHubConnection';

export type EventHubTarget =
  | { kind: 'azure-identity'; fullyQualifiedNamespace: string }
  | { kind: 'azure-connection-string'; connectionString: string }
  | { kind: 'devhost'; endpoint: string };

export class EventHubConnectionError extends DomainError {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super('internal', 'ERR-EVENTHUB-CONNECTION', `${setting} ${detail}`, setting);
  }
}

const Namespace = z
  .string()
  .regex(/^[A-Za-z0-9.-]+$/, 'must be a host name such as evh-smelter.servicebus.windows.net');

/** Reads the `EventHubConnection` settings; throws naming the setting when they say nowhere usable. */
export function eventHubTarget(
  env: Record<string, string | undefined>,
  name = EVENT_HUB_CONNECTION_SETTING,
): EventHubTarget {
  const fqns = env[`${name}__fullyQualifiedNamespace`];
  if (fqns) {
    const parsed = Namespace.safeParse(fqns);
    if (!parsed.success)
      throw new EventHubConnectionError(`${name}__fullyQualifiedNamespace`, parsed.error.issues[0]!.message);
    return { kind: 'azure-identity', fullyQualifiedNamespace: parsed.data };
  }
  const value = env[name] ?? '';
  const parts = new Map(
    value
      .split(';')
      .filter((p) => p.includes('='))
      .map((p) => [p.slice(0, p.indexOf('=')).trim().toLowerCase(), p.slice(p.indexOf('=') + 1).trim()] as const),
  );
  const endpoint = parts.get('endpoint');
  if (parts.get('usedevhost') === 'true' && endpoint && /^https?:\/\//.test(endpoint))
    return { kind: 'devhost', endpoint: endpoint.replace(/\/+$/, '') };
  if (endpoint?.startsWith('sb://')) return { kind: 'azure-connection-string', connectionString: value };
  throw new EventHubConnectionError(
    name,
    `does not say where the hub is (${value ? 'not a connection string' : 'not set'}): set ${name}__fullyQualifiedNamespace (managed identity in Azure) or run under the devhost, which sets ${name}`,
  );
}

/** The sender the settings call for, to hub `hubName`. */
export function createTelemetryHubSender(
  hubName: string,
  env: Record<string, string | undefined> = process.env,
): TelemetryHubSender & { close(): Promise<void> } {
  const target = eventHubTarget(env);
  if (target.kind === 'devhost') return new DevhostHubSender(`${target.endpoint}/${encodeURIComponent(hubName)}`);
  const client =
    target.kind === 'azure-identity'
      ? new EventHubProducerClient(target.fullyQualifiedNamespace, hubName, azureCredential())
      : new EventHubProducerClient(target.connectionString, hubName);
  return new ProducerHubSender(client);
}

/** Partition keys sent at once, at most: enough to fill the link without a burst of hundreds of batches. */
const KEYS_IN_FLIGHT = 16;

class ProducerHubSender implements TelemetryHubSender {
  constructor(private readonly client: EventHubProducerClient) {}

  async send(events: readonly HubEvent[]): Promise<void> {
    const byKey = new Map<string, HubEvent[]>();
    for (const e of events) byKey.set(e.partitionKey, [...(byKey.get(e.partitionKey) ?? []), e]);
    const keys = [...byKey];
    for (let i = 0; i < keys.length; i += KEYS_IN_FLIGHT)
      await Promise.all(keys.slice(i, i + KEYS_IN_FLIGHT).map(([key, list]) => this.#sendKey(key, list)));
  }

  async #sendKey(partitionKey: string, events: readonly HubEvent[]): Promise<void> {
    let batch = await this.client.createBatch({ partitionKey });
    for (const e of events) {
      // Raw UTF-8 bytes: the SDK would JSON-encode a string body a second time, and bronze keeps bytes as they came.
      const data = { body: Buffer.from(e.body, 'utf8'), contentType: 'application/json' };
      if (batch.tryAdd(data)) continue;
      if (batch.count > 0) {
        await this.client.sendBatch(batch);
        batch = await this.client.createBatch({ partitionKey });
        if (batch.tryAdd(data)) continue;
      }
      throw new RangeError(
        `ERR-EVENT-TOO-LARGE: a body of ${data.body.length} bytes for ${partitionKey} exceeds the Event Hub's batch size ${batch.maxSizeInBytes}`,
      );
    }
    if (batch.count > 0) await this.client.sendBatch(batch);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Events per request to the devhost, at most (well under its body limit). */
const DEVHOST_EVENTS_PER_REQUEST = 2000;

class DevhostHubSender implements TelemetryHubSender {
  constructor(private readonly url: string) {}

  async send(events: readonly HubEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += DEVHOST_EVENTS_PER_REQUEST) {
      const chunk = events.slice(i, i + DEVHOST_EVENTS_PER_REQUEST);
      const response = await fetch(`${this.url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chunk),
      });
      if (!response.ok)
        throw new EventHubConnectionError(
          EVENT_HUB_CONNECTION_SETTING,
          `: the devhost's hub refused ${chunk.length} events (HTTP ${response.status}: ${(await response.text()).slice(0, 200)})`,
        );
      await response.arrayBuffer();
    }
  }

  async close(): Promise<void> {}
}
