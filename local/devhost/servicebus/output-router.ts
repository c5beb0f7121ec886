import type { EventToSend, LocalEventHubNamespace } from '../eventhub/local-hub.js';
import type { OutputRouter, RegisteredFunction } from '../registry.js';
import type { RpcInvocationResponse, RpcTypedData } from '../rpc-types.js';
import { resolveSettingExpression } from '../settings.js';
import type { MessageToSend } from './local-topic.js';
import type { LocalServiceBusNamespace } from './namespace.js';

/**
 * Content types the Service Bus extension stamps on what an output binding sends: text → text/plain, a JSON value →
 * application/json, bytes → none (its StringToTextMessageConverter / StringToJsonMessageConverter / byte[] converters).
 */
const TEXT_PLAIN = 'text/plain';
const APPLICATION_JSON = 'application/json';

export class OutputBindingError extends Error {
  readonly code = 'ERR-DEVHOST-OUTPUT';
  constructor(
    readonly functionName: string,
    readonly field: string,
    detail: string,
  ) {
    super(`Function ${functionName}: output binding ${field} ${detail}.`);
    this.name = 'OutputBindingError';
  }
}

interface OutgoingItem {
  body: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
}

/**
 * Splits an output value into messages the way the host's collectors do: an array is many messages, anything else one.
 * Only the body travels: a Node.js output binding cannot set message id, application properties or partition key.
 */
function outgoingItems(data: RpcTypedData): OutgoingItem[] {
  if (data.string !== undefined && data.string !== null) return [{ body: data.string, contentType: TEXT_PLAIN }];
  if (data.bytes) return [{ body: new Uint8Array(data.bytes) }];
  if (data.stream) return [{ body: new Uint8Array(data.stream) }];
  if (data.int !== undefined && data.int !== null) return [{ body: String(data.int), contentType: APPLICATION_JSON }];
  if (data.double !== undefined && data.double !== null)
    return [{ body: String(data.double), contentType: APPLICATION_JSON }];
  if (data.collectionString?.string)
    return data.collectionString.string.map((s) => ({ body: s, contentType: TEXT_PLAIN }));
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => ({ body: new Uint8Array(b) }));
  if (data.json !== undefined && data.json !== null) {
    const value = JSON.parse(data.json) as unknown;
    const values = Array.isArray(value) ? value : [value];
    return values
      .filter((v) => v !== null && v !== undefined)
      .map((v) =>
        typeof v === 'string'
          ? { body: v, contentType: TEXT_PLAIN }
          : { body: JSON.stringify(v), contentType: APPLICATION_JSON },
      );
  }
  return [];
}

/** The value the function gave a named output binding (`$return` for the return value), or undefined. */
function outputValue(response: RpcInvocationResponse, bindingName: string): RpcTypedData | undefined {
  if (bindingName === '$return') return response.returnValue ?? undefined;
  return response.outputData?.find((b) => b.name === bindingName)?.data ?? undefined;
}

/**
 * Routes `serviceBus` output bindings (topicName) to the local topics and `eventHub` output bindings to the local hubs
 * after a successful invocation. A failed send fails the invocation, as a failed output flush does in Azure.
 */
export function localOutputRouter(targets: {
  serviceBus: LocalServiceBusNamespace;
  eventHubs: LocalEventHubNamespace;
  env: NodeJS.ProcessEnv;
}): OutputRouter {
  return (fn: RegisteredFunction, response: RpcInvocationResponse) => {
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.direction !== 'out') continue;
      const type = (binding.type ?? '').toLowerCase();
      if (type !== 'servicebus' && type !== 'eventhub') continue;
      const data = outputValue(response, name);
      if (!data) continue;
      const items = outgoingItems(data);
      if (items.length === 0) continue;
      if (type === 'servicebus') {
        const topicName = binding.topicName;
        if (typeof topicName !== 'string' || topicName === '') {
          throw new OutputBindingError(
            fn.name,
            `${name}.topicName`,
            'is required: the devhost serves topics, not queues (queueName)',
          );
        }
        const topic = resolveSettingExpression(topicName, targets.env, `function ${fn.name} output ${name}.topicName`);
        targets.serviceBus.send(
          topic,
          items.map((i): MessageToSend => ({ body: i.body, contentType: i.contentType })),
        );
      } else {
        const hubName = binding.eventHubName;
        if (typeof hubName !== 'string' || hubName === '')
          throw new OutputBindingError(fn.name, `${name}.eventHubName`, 'is required');
        const hub = resolveSettingExpression(hubName, targets.env, `function ${fn.name} output ${name}.eventHubName`);
        targets.eventHubs.hub(hub).send(items.map((i): EventToSend => ({ body: i.body })));
      }
    }
  };
}
