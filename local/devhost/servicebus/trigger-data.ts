import { randomUUID } from 'node:crypto';
import { rpcBytes, rpcJson, rpcString } from '../rpc-data.js';
import type { RpcTypedData } from '../rpc-types.js';
import type { Delivery } from './local-topic.js';

/**
 * The message body as the host binds it: `dataType: 'binary'` gives a Buffer; otherwise text, which
 * @azure/functions JSON-parses when it can (a CloudEvent arrives as an object, as in Azure).
 */
export function messageBody(delivery: Delivery, dataType: string | undefined): RpcTypedData {
  return dataType?.toLowerCase() === 'binary'
    ? rpcBytes(delivery.message.body)
    : rpcString(delivery.message.body.toString('utf8'));
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Trigger metadata with the names the Service Bus extension binds for one message (ServiceBusTriggerBindingStrategy):
 * MessageId, DeliveryCount, EnqueuedTimeUtc, ExpiresAtUtc, SequenceNumber, LockToken, ContentType, CorrelationId,
 * Subject (and its old name Label), ApplicationProperties (and its old name UserProperties), plus the host's `sys`.
 * @azure/functions camel-cases the keys: a handler reads `context.triggerMetadata.deliveryCount`.
 */
export function messageTriggerMetadata(delivery: Delivery, functionName: string): Record<string, RpcTypedData> {
  const m = delivery.message;
  const optional = (name: string, value: string | undefined): Record<string, RpcTypedData> =>
    value !== undefined ? { [name]: rpcString(value) } : {};
  return {
    MessageId: rpcString(m.messageId),
    DeliveryCount: { int: delivery.deliveryCount },
    SequenceNumber: { int: m.sequenceNumber },
    EnqueuedTimeUtc: rpcString(iso(m.enqueuedTimeMs)),
    ExpiresAtUtc: rpcString(iso(Math.min(delivery.expiresAtMs, 253_402_300_799_000))),
    LockToken: rpcString(delivery.lockToken),
    ...optional('ContentType', m.contentType),
    ...optional('CorrelationId', m.correlationId),
    ...optional('Subject', m.subject),
    ...optional('Label', m.subject),
    ApplicationProperties: rpcJson(m.applicationProperties),
    UserProperties: rpcJson(m.applicationProperties),
    sys: rpcJson({ MethodName: functionName, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
  };
}
