import { EventEmitter } from 'node:events';
import type { RpcLogCategory, RpcLogLevel } from './rpc-types.js';

/** One finished invocation (success or failure), whatever the trigger. */
export interface InvocationEvent {
  functionName: string;
  invocationId: string;
  triggerType: string;
  durationMs: number;
  ok: boolean;
  error?: string;
  /** 0 on the first attempt; n on the n-th retry of the same input (retry policy). */
  retryCount: number;
  /** Events in the batch (Event Hub triggers); 1 for single-event triggers, undefined for HTTP. */
  eventCount?: number;
  /** Per event: time from enqueue to the end of this invocation, ms (Event Hub triggers). */
  enqueueLagMs?: number[];
  partitionId?: string;
}

export interface EnqueuedEvent {
  hub: string;
  partitionId: string;
  count: number;
  lastSequenceNumber: number;
}

export interface CheckpointEvent {
  functionName: string;
  hub: string;
  consumerGroup: string;
  partitionId: string;
  sequenceNumber: number;
  offset: string;
}

/** A batch that failed every attempt its retry policy allowed; the host checkpoints past it (as Azure does). */
export interface BatchAbandonedEvent {
  functionName: string;
  hub: string;
  partitionId: string;
  firstSequenceNumber: number;
  lastSequenceNumber: number;
  attempts: number;
  error: string;
}

/**
 * A Service Bus message a function received was completed, abandoned for redelivery, or dead-lettered; or its lock
 * ran out before the function finished (lockLost: nothing was settled and Service Bus delivers it again).
 */
export interface MessageSettledEvent {
  functionName: string;
  topic: string;
  subscription: string;
  messageId: string;
  sequenceNumber: number;
  deliveryCount: number;
  outcome: 'completed' | 'abandoned' | 'deadLettered' | 'lockLost';
  reason?: string;
  description?: string;
}

export interface LogEvent {
  level: RpcLogLevel;
  category: RpcLogCategory;
  message: string;
  functionName?: string;
  invocationId?: string;
}

export interface DevhostEventMap {
  invocation: [InvocationEvent];
  enqueued: [EnqueuedEvent];
  checkpoint: [CheckpointEvent];
  batchAbandoned: [BatchAbandonedEvent];
  messageSettled: [MessageSettledEvent];
  log: [LogEvent];
}

/** The devhost's progress feed: a live console or a test subscribes here instead of parsing logs. */
export class DevhostEvents extends EventEmitter<DevhostEventMap> {}
