import { randomUUID } from 'node:crypto';
import {
  rpcBytes,
  rpcCollectionBytes,
  rpcCollectionSint64,
  rpcCollectionString,
  rpcJson,
  rpcString,
} from '../rpc-data.js';
import type { RpcTypedData } from '../rpc-types.js';
import type { StoredEvent } from './partition-log.js';

export interface PartitionContextInfo {
  namespace: string;
  hub: string;
  consumerGroup: string;
  partitionId: string;
}

/**
 * The event bodies as the host binds them: `dataType: 'binary'` gives bytes (Buffer / Buffer[]); otherwise text,
 * which @azure/functions JSON-parses when it can — so a JSON body arrives as an object, like in Azure.
 */
export function eventBodies(events: StoredEvent[], many: boolean, dataType: string | undefined): RpcTypedData {
  const binary = dataType?.toLowerCase() === 'binary';
  if (many)
    return binary
      ? rpcCollectionBytes(events.map((e) => e.body))
      : rpcCollectionString(events.map((e) => e.body.toString('utf8')));
  const only = events[0]!;
  return binary ? rpcBytes(only.body) : rpcString(only.body.toString('utf8'));
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `SystemProperties` of one event: the AMQP annotations plus the names the Event Hubs SDK gives them. */
function systemProperties(e: StoredEvent): Record<string, unknown> {
  return {
    'x-opt-sequence-number': e.sequenceNumber,
    'x-opt-offset': e.offset,
    'x-opt-enqueued-time': iso(e.enqueuedTimeMs),
    ...(e.partitionKey !== undefined ? { 'x-opt-partition-key': e.partitionKey } : {}),
    SequenceNumber: e.sequenceNumber,
    Offset: e.offset,
    EnqueuedTimeUtc: iso(e.enqueuedTimeMs),
    PartitionKey: e.partitionKey ?? null,
  };
}

/**
 * Trigger metadata with the names the Event Hubs extension binds (EventHubTriggerBindingStrategy): for cardinality
 * many the `…Array` forms, for one the single forms; plus `PartitionContext` and the host's `sys`. @azure/functions
 * camel-cases keys, so the function reads e.g. `context.triggerMetadata.sequenceNumberArray`.
 */
export function eventTriggerMetadata(
  events: StoredEvent[],
  many: boolean,
  partition: PartitionContextInfo,
  functionName: string,
): Record<string, RpcTypedData> {
  const common: Record<string, RpcTypedData> = {
    PartitionContext: rpcJson({
      PartitionId: partition.partitionId,
      EventHubName: partition.hub,
      ConsumerGroup: partition.consumerGroup,
      FullyQualifiedNamespace: partition.namespace,
    }),
    sys: rpcJson({ MethodName: functionName, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
  };
  if (many) {
    return {
      ...common,
      PartitionKeyArray: rpcJson(events.map((e) => e.partitionKey ?? null)),
      OffsetArray: rpcJson(events.map((e) => e.offset)),
      SequenceNumberArray: rpcCollectionSint64(events.map((e) => e.sequenceNumber)),
      EnqueuedTimeUtcArray: rpcJson(events.map((e) => iso(e.enqueuedTimeMs))),
      PropertiesArray: rpcJson(events.map((e) => e.properties)),
      SystemPropertiesArray: rpcJson(events.map(systemProperties)),
    };
  }
  const e = events[0]!;
  return {
    ...common,
    ...(e.partitionKey !== undefined ? { PartitionKey: rpcString(e.partitionKey) } : {}),
    Offset: rpcString(e.offset),
    SequenceNumber: { int: e.sequenceNumber },
    EnqueuedTimeUtc: rpcString(iso(e.enqueuedTimeMs)),
    Properties: rpcJson(e.properties),
    SystemProperties: rpcJson(systemProperties(e)),
  };
}
