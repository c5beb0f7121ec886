import type { FunctionRegistry, RegisteredFunction } from './registry.js';
import type { RpcBindingInfo } from './rpc-types.js';
import { refuseUnserved, type UnservedItem } from './unserved.js';

/** Trigger types the devhost runs (lower case): HTTP, Event Hubs, Service Bus topics, timers, Durable orchestrations and activities. */
export const SERVED_TRIGGERS: ReadonlySet<string> = new Set([
  'httptrigger',
  'eventhubtrigger',
  'servicebustrigger',
  'timertrigger',
  'orchestrationtrigger',
  'activitytrigger',
]);
/** Input bindings the host resolves itself (SignalR connection info from its local service, signalr/). */
const SERVED_INPUTS: ReadonlySet<string> = new Set(['durableclient', 'orchestrationclient', 'signalrconnectioninfo']);
/** Output bindings the devhost delivers (servicebus/output-router.ts, signalr/bindings.ts) or answers with (http). */
const SERVED_OUTPUTS: ReadonlySet<string> = new Set(['http', 'servicebus', 'eventhub', 'signalr']);
/** Options of `signalRConnectionInfo` that put the caller's identity into the token; the devhost mints tokens without one. */
const SIGNALR_IDENTITY_OPTIONS = ['userId', 'idToken', 'claimTypeList'] as const;
/**
 * Triggers whose retry policy Azure's host applies: Timer, Event Hubs (and Kafka, Cosmos DB, not served here)
 * (learn.microsoft.com, "Azure Functions error handling and retries", Retry policies). On any other trigger Azure
 * does not retry, so a `retry` there would promise something neither host keeps.
 */
const RETRY_TRIGGERS: ReadonlySet<string> = new Set(['timertrigger', 'eventhubtrigger']);
const AUTH_LEVELS: ReadonlySet<string> = new Set(['anonymous', 'function', 'admin']);

/** What to do instead, per unserved binding type (lower case); the rest get the general advice. */
const ADVICE: Record<string, string> = {
  entitytrigger:
    'Durable entities are not served by the devhost: use an orchestration, or serve entities in local/devhost/durable first.',
  blob: 'Use the LakeStore port (shared/lake) from the function body: it works against Azurite locally and ADLS in Azure.',
  table: 'Read and write through a port in shared/ from the function body (Cosmos DB in this app).',
  queue:
    'Storage queues are not served: publish with the EventPublisher to the Service Bus topic, or serve queues in local/devhost first.',
  queuetrigger: 'Storage queues are not served: trigger from a Service Bus topic subscription instead.',
  cosmosdb: 'Use the Cosmos stores in shared/azure from the function body.',
};

/**
 * Checks every registration against what the devhost serves and throws one UnservedError listing everything it
 * would otherwise run unlike Azure (an output silently dropped, an input never filled, a trigger never fired).
 */
export function refuseUnservedBindings(registry: FunctionRegistry, env: NodeJS.ProcessEnv): void {
  const items: UnservedItem[] = [];
  for (const fn of registry.functions.values()) items.push(...unservedIn(fn));
  if (registry.hooks.log.length > 0)
    items.push({
      where: 'app hook "log"',
      why: 'log hooks are never called by the devhost',
      todo: 'Remove the hook, or call it from the devhost registry log first.',
    });
  items.push(...signalRConnectionIssues(registry, env));
  const timers = registry.byTriggerType('timerTrigger');
  if (timers.length > 0 && env.WEBSITE_TIME_ZONE) {
    items.push({
      where: `app setting WEBSITE_TIME_ZONE (${env.WEBSITE_TIME_ZONE})`,
      why: `timer schedules (${timers.map((f) => f.name).join(', ')}) are evaluated in UTC by the devhost, in that zone by Azure`,
      todo: 'Remove the setting locally and write the schedules in UTC.',
    });
  }
  refuseUnserved(items);
}

/** Refuses what the programming model asked for at start-up (app.setup capabilities) that the devhost does not give. */
export function refuseUnservedCapabilities(capabilities: Record<string, unknown>): void {
  if (capabilities.HttpUri) {
    refuseUnserved([
      {
        where: 'app.setup({ enableHttpStream: true })',
        why: 'HTTP streaming needs the host to proxy requests to the worker, which the devhost does not do (every HTTP invocation would wait forever)',
        todo: 'Remove enableHttpStream, or serve streaming in local/devhost/http-server.ts first.',
      },
    ]);
  }
}

function unservedIn(fn: RegisteredFunction): UnservedItem[] {
  const items: UnservedItem[] = [];
  const trigger = fn.trigger.type.toLowerCase();
  const at = (name: string, b: RpcBindingInfo) =>
    `function ${fn.name}, binding "${name}" (${b.type} ${b.direction ?? ''})`.replace(' )', ')');
  for (const [name, b] of Object.entries(fn.metadata.bindings)) {
    const type = String(b.type).toLowerCase();
    const where = at(name, b);
    if (name === fn.trigger.name) {
      if (!SERVED_TRIGGERS.has(type))
        items.push({
          where,
          why: `${b.type} is not a trigger the devhost runs`,
          todo: ADVICE[type] ?? 'Use a served trigger (HTTP, Event Hubs, Service Bus topic, timer, Durable).',
        });
      else items.push(...triggerOptionIssues(where, type, b));
      continue;
    }
    if (b.direction === 'in' && !SERVED_INPUTS.has(type)) {
      items.push({
        where,
        why: `${b.type} input bindings are not filled by the devhost (the function would get nothing)`,
        todo: ADVICE[type] ?? 'Read the data from the function body through a port in shared/.',
      });
    } else if (b.direction === 'out' && !SERVED_OUTPUTS.has(type)) {
      items.push({
        where,
        why: `${b.type} output bindings are not delivered by the devhost (the value would be dropped)`,
        todo: ADVICE[type] ?? 'Write from the function body through a port in shared/.',
      });
    } else if (b.direction === 'out' && type === 'servicebus' && !b.topicName) {
      items.push({
        where,
        why: 'Service Bus queues are not served (only topics)',
        todo: 'Send to a topic (topicName), or serve queues in local/devhost/servicebus first.',
      });
    } else if (b.direction === 'out' && type === 'http' && trigger !== 'httptrigger') {
      items.push({ where, why: 'an http output belongs to an HTTP trigger', todo: 'Remove it.' });
    } else if (b.direction === 'inout') {
      items.push({
        where,
        why: 'inout bindings are not served',
        todo: 'Use an input and an output binding, or a port in shared/.',
      });
    }
  }
  if (fn.metadata.retryOptions && !RETRY_TRIGGERS.has(trigger)) {
    items.push({
      where: `function ${fn.name}, retry`,
      why: `Azure's host applies retry policies only to Timer, Event Hubs, Kafka and Cosmos DB triggers, not to ${fn.trigger.type}`,
      todo:
        trigger === 'servicebustrigger'
          ? "Remove it: Service Bus redelivers a failed message itself, up to the subscription's maxDeliveryCount."
          : 'Remove it, or retry inside the function.',
    });
  }
  return items;
}

/**
 * SignalR bindings are served by the devhost's own service whatever the connection setting says, so a setting that
 * names a real Azure SignalR Service would be silently bypassed: refused. So are the identity options of the
 * connection info binding, which the local service does not put into its tokens.
 */
function signalRConnectionIssues(registry: FunctionRegistry, env: NodeJS.ProcessEnv): UnservedItem[] {
  const items: UnservedItem[] = [];
  const settings = new Set<string>();
  for (const fn of registry.functions.values())
    for (const [name, b] of Object.entries(fn.metadata.bindings)) {
      const type = String(b.type).toLowerCase();
      if (type !== 'signalr' && type !== 'signalrconnectioninfo') continue;
      settings.add(
        typeof b.connectionStringSetting === 'string' ? b.connectionStringSetting : 'AzureSignalRConnectionString',
      );
      if (type === 'signalrconnectioninfo')
        for (const option of SIGNALR_IDENTITY_OPTIONS)
          if (b[option] !== undefined)
            items.push({
              where: `function ${fn.name}, binding "${name}" (${b.type} in), option ${option}`,
              why: 'the devhost issues SignalR access tokens without a user identity or claims',
              todo: `Remove ${option}, or serve it in local/devhost/signalr first.`,
            });
    }
  for (const setting of settings) {
    const named = Object.keys(env).filter(
      (k) => (k === setting || k.startsWith(`${setting}__`)) && env[k] && !/^UseDevhost=true/i.test(env[k] ?? ''),
    );
    if (named.length > 0)
      items.push({
        where: `app setting ${named.join(', ')}`,
        why: 'SignalR bindings are served by the devhost itself; a real Azure SignalR Service named here would never be used',
        todo: `Remove ${named.join(', ')} locally (or set ${setting} to "UseDevhost=true").`,
      });
  }
  return items;
}

function triggerOptionIssues(where: string, type: string, b: RpcBindingInfo): UnservedItem[] {
  const items: UnservedItem[] = [];
  if (type === 'servicebustrigger') {
    if (b.queueName || !b.topicName)
      items.push({
        where,
        why: `Service Bus queues are not served (queueName ${JSON.stringify(b.queueName ?? null)}; only topic subscriptions are)`,
        todo: 'Read a topic subscription (topicName and subscriptionName), or serve queues in local/devhost/servicebus first.',
      });
    if (b.isSessionsEnabled)
      items.push({
        where,
        why: 'Service Bus sessions are not served',
        todo: 'Remove isSessionsEnabled, or serve sessions in local/devhost/servicebus first.',
      });
    if (typeof b.cardinality === 'string' && b.cardinality.toLowerCase() === 'many')
      items.push({ where, why: 'Service Bus batches (cardinality many) are not served', todo: 'Use cardinality one.' });
    if (b.autoCompleteMessages === false)
      items.push({
        where,
        why: 'Node.js functions cannot settle messages themselves, so autoCompleteMessages false would leave every message locked',
        todo: 'Remove autoCompleteMessages.',
      });
  }
  if (type === 'httptrigger') {
    const level = String(b.authLevel ?? 'anonymous').toLowerCase();
    if (!AUTH_LEVELS.has(level))
      items.push({
        where,
        why: `authLevel ${JSON.stringify(b.authLevel)} is not one Azure knows`,
        todo: 'Use anonymous, function or admin.',
      });
  }
  return items;
}
