import type { DevhostEvents } from '../events.js';
import { invoke } from '../invoke.js';
import type { FunctionRegistry, RegisteredFunction } from '../registry.js';
import { mayRetry, retryDelayMs, type RetryPolicy } from '../retry-policy.js';
import type { InitialOffset } from '../settings.js';
import { sleepOn, type Clock } from '../timer/clock.js';
import type { BlobCheckpointStore } from './checkpoints.js';
import type { LocalEventHub } from './local-hub.js';
import type { StoredEvent } from './partition-log.js';
import { eventBodies, eventTriggerMetadata } from './trigger-data.js';

export interface EventHubBinding {
  hub: LocalEventHub;
  namespace: string;
  consumerGroup: string;
  many: boolean;
  dataType: string | undefined;
  maxBatchSize: number;
  /** host.json minEventBatchSize: with cardinality many, a smaller batch waits up to `maxWaitTimeMs` for more. */
  minBatchSize: number;
  maxWaitTimeMs: number;
  batchCheckpointFrequency: number;
  /** Where to start when the partition has no checkpoint yet (host.json initialOffsetOptions). */
  initialOffset: InitialOffset;
  retry: RetryPolicy;
  /** Time for retry waits and maxWaitTime (tests pass a ManualClock). */
  clock: Clock;
}

/**
 * Delivers one partition of a hub to one function, starting after the last checkpoint (or at initialOffsetOptions
 * without one), one received batch at a time: with cardinality many as one invocation; with cardinality one as one
 * invocation per event, all of them at once (Azure's EventHubListener drains the whole batch concurrently before
 * taking more), so order within the partition holds only between batches. A batch is checkpointed after every
 * invocation of it succeeded or — as the Functions host does — exhausted its retry policy (the failure is logged and
 * reported, and the events are skipped rather than blocking the partition forever).
 */
export class PartitionConsumer {
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #cursor = 0;
  #sinceCheckpoint = 0;
  #lastProcessed: StoredEvent | undefined;

  constructor(
    private readonly fn: RegisteredFunction,
    private readonly binding: EventHubBinding,
    readonly partitionId: string,
    private readonly registry: FunctionRegistry,
    private readonly events: DevhostEvents,
    private readonly checkpoints: BlobCheckpointStore,
  ) {}

  /** Reads the checkpoint and starts the delivery loop. */
  async start(): Promise<void> {
    const { hub, consumerGroup } = this.binding;
    const checkpoint = await this.checkpoints.get(hub.name, consumerGroup, this.partitionId);
    this.#cursor = checkpoint ? checkpoint.sequenceNumber + 1 : this.#initialPosition();
    hub.advance(this.partitionId, this.#consumerKey, this.#cursor);
    this.#loop = this.#run().catch((err: unknown) => {
      this.registry.log(
        'critical',
        'system',
        `Event Hub consumer ${this.fn.name}/${hub.name}/${this.partitionId} stopped: ${(err as Error).stack ?? String(err)}`,
        this.fn.name,
      );
    });
  }

  /** Lets the batch in flight finish, checkpoints what was processed and ends the loop. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (this.#sinceCheckpoint > 0) await this.#checkpoint();
  }

  /** This consumer among the hub's readers: one function on one consumer group. */
  get #consumerKey(): string {
    return `${this.binding.consumerGroup}/${this.fn.name}`;
  }

  /** Next sequence number this consumer will deliver. */
  get position(): number {
    return this.#cursor;
  }

  #initialPosition(): number {
    const { hub, initialOffset } = this.binding;
    if (initialOffset.type === 'fromEnd') return hub.endOf(this.partitionId);
    if (initialOffset.type === 'fromEnqueuedTime')
      return hub.firstEnqueuedAtOrAfter(this.partitionId, initialOffset.enqueuedTimeMs);
    return 0;
  }

  async #run(): Promise<void> {
    const { hub, many, minBatchSize, maxWaitTimeMs, clock } = this.binding;
    const signal = this.#stop.signal;
    let waitingSinceMs: number | undefined;
    while (!signal.aborted) {
      const batch = hub.read(this.partitionId, this.#cursor, this.binding.maxBatchSize);
      if (batch.length === 0) {
        await hub.waitForEvents(this.partitionId, this.#cursor, signal);
        continue;
      }
      // A batch below minEventBatchSize waits for more events until maxWaitTime has passed, then goes as it is.
      if (many && batch.length < minBatchSize) {
        waitingSinceMs ??= clock.now();
        if (clock.now() < waitingSinceMs + maxWaitTimeMs) {
          await this.#waitForMore(this.#cursor + batch.length, waitingSinceMs + maxWaitTimeMs, signal);
          continue;
        }
      }
      waitingSinceMs = undefined;
      const delivered = many
        ? await this.#deliver(batch)
        : (await Promise.all(batch.map((e) => this.#deliver([e])))).every(Boolean);
      if (!delivered) return;
      this.#cursor = batch[batch.length - 1]!.sequenceNumber + 1;
      this.#lastProcessed = batch[batch.length - 1];
      if (++this.#sinceCheckpoint >= this.binding.batchCheckpointFrequency) await this.#checkpoint();
      hub.advance(this.partitionId, this.#consumerKey, this.#cursor);
    }
  }

  /** Resolves when the partition holds an event at `fromSequenceNumber`, at `deadlineMs`, or when stopping. */
  async #waitForMore(fromSequenceNumber: number, deadlineMs: number, stop: AbortSignal): Promise<void> {
    const wake = new AbortController();
    const onStop = () => wake.abort();
    stop.addEventListener('abort', onStop, { once: true });
    const cancel = this.binding.clock.setTimer(deadlineMs, () => wake.abort());
    try {
      await this.binding.hub.waitForEvents(this.partitionId, fromSequenceNumber, wake.signal);
    } finally {
      cancel();
      stop.removeEventListener('abort', onStop);
      wake.abort();
    }
  }

  /** Runs the events (one invocation) with retries; false when stopping interrupted the retries (they are not checkpointed). */
  async #deliver(batch: StoredEvent[]): Promise<boolean> {
    const { hub, consumerGroup, namespace, many, dataType, retry } = this.binding;
    const partition = { namespace, hub: hub.name, consumerGroup, partitionId: this.partitionId };
    let lastError = '';
    for (let retries = 0; ; retries++) {
      const outcome = await invoke(this.registry, this.fn, {
        inputData: [{ name: this.fn.trigger.name, data: eventBodies(batch, many, dataType) }],
        triggerMetadata: eventTriggerMetadata(batch, many, partition, this.fn.name),
        retryContext:
          retry.strategy === 'none'
            ? undefined
            : {
                retryCount: retries,
                maxRetryCount: retry.maxRetryCount,
                exception: retries > 0 ? { message: lastError } : null,
              },
      });
      const doneMs = Date.now();
      this.events.emit('invocation', {
        functionName: this.fn.name,
        invocationId: outcome.invocationId,
        triggerType: this.fn.trigger.type,
        durationMs: outcome.durationMs,
        ok: outcome.ok,
        error: outcome.ok ? undefined : outcome.error.message,
        retryCount: retries,
        eventCount: batch.length,
        enqueueLagMs: batch.map((e) => doneMs - e.enqueuedTimeMs),
        partitionId: this.partitionId,
      });
      if (outcome.ok) return true;
      lastError = outcome.error.message;
      this.registry.log(
        'error',
        'system',
        `Function ${this.fn.name} failed on ${hub.name}/${this.partitionId} seq ${batch[0]!.sequenceNumber}-${batch[batch.length - 1]!.sequenceNumber} (attempt ${retries + 1}): ${outcome.error.stack ?? lastError}`,
        this.fn.name,
        outcome.invocationId,
      );
      if (!mayRetry(retry, retries)) {
        this.events.emit('batchAbandoned', {
          functionName: this.fn.name,
          hub: hub.name,
          partitionId: this.partitionId,
          firstSequenceNumber: batch[0]!.sequenceNumber,
          lastSequenceNumber: batch[batch.length - 1]!.sequenceNumber,
          attempts: retries + 1,
          error: lastError,
        });
        this.registry.log(
          'error',
          'system',
          `Function ${this.fn.name}: retries exhausted after ${retries + 1} attempt(s); checkpointing past ${hub.name}/${this.partitionId} seq ${batch[0]!.sequenceNumber}-${batch[batch.length - 1]!.sequenceNumber} as the Functions host does.`,
          this.fn.name,
        );
        return true;
      }
      if (this.#stop.signal.aborted) return false;
      if (!(await sleepOn(this.binding.clock, retryDelayMs(retry, retries), this.#stop.signal))) return false;
    }
  }

  async #checkpoint(): Promise<void> {
    const last = this.#lastProcessed;
    if (!last) return;
    const { hub, consumerGroup } = this.binding;
    try {
      await this.checkpoints.set(hub.name, consumerGroup, this.partitionId, {
        sequenceNumber: last.sequenceNumber,
        offset: last.offset,
      });
    } catch (err) {
      // Storage hiccup: keep delivering; the next checkpoint covers these events (a crash meanwhile redelivers them).
      this.registry.log(
        'warning',
        'system',
        `Checkpoint of ${hub.name}/${consumerGroup}/${this.partitionId} at ${last.sequenceNumber} failed: ${(err as Error).message}`,
        this.fn.name,
      );
      return;
    }
    this.#sinceCheckpoint = 0;
    this.events.emit('checkpoint', {
      functionName: this.fn.name,
      hub: hub.name,
      consumerGroup,
      partitionId: this.partitionId,
      sequenceNumber: last.sequenceNumber,
      offset: last.offset,
    });
  }
}
