import { setMaxListeners } from 'node:events';
import type { DevhostEvents, MessageSettledEvent } from '../events.js';
import { invoke } from '../invoke.js';
import type { FunctionRegistry, RegisteredFunction } from '../registry.js';
import type { Clock } from '../timer/clock.js';
import { LockLostError, type Delivery, type LocalTopic } from './local-topic.js';
import { messageBody, messageTriggerMetadata } from './trigger-data.js';

export interface SubscriptionBinding {
  topic: LocalTopic;
  subscription: string;
  /** Messages in flight at once for this function (host.json `maxConcurrentCalls`, Azure's default 16 × processors). */
  maxConcurrentCalls: number;
  /** How long after receiving a message its lock is still renewed (host.json `maxAutoLockRenewalDuration`); 0 never. */
  maxAutoLockRenewalDurationMs: number;
  dataType: string | undefined;
  clock: Clock;
}

/** The processor renews a lock at most this long before it runs out (Azure.Messaging.ServiceBus, Constants.MaximumRenewBufferDuration). */
const MAX_RENEW_BUFFER_MS = 10_000;
/** With less than this left, the processor renews at once (ProcessorUtils.CalculateRenewDelay). */
const RENEW_NOW_BELOW_MS = 400;

/**
 * Receives one subscription for one function with peek-lock, as the Functions host does with autoCompleteMessages:
 * success → complete, a thrown error → abandon (redelivered, delivery count +1; dead-lettered by the topic after
 * maxDeliveryCount). At most `maxConcurrentCalls` invocations at a time. While a function runs, its lock is renewed
 * as the Service Bus processor renews it, until `maxAutoLockRenewalDuration` after the message was received; then
 * the lock runs out and Service Bus delivers the message again, to this or another consumer, even though the first
 * invocation has not finished. That invocation's settlement then fails (MessageLockLostException).
 */
export class SubscriptionReceiver {
  readonly #stop = new AbortController();
  readonly #workers: Promise<void>[] = [];

  constructor(
    private readonly fn: RegisteredFunction,
    private readonly binding: SubscriptionBinding,
    private readonly registry: FunctionRegistry,
    private readonly events: DevhostEvents,
  ) {}

  /** Starts the receive loops. */
  start(): void {
    // Every idle loop waits on the same stop signal: as many listeners as maxConcurrentCalls, by design.
    setMaxListeners(this.binding.maxConcurrentCalls + 10, this.#stop.signal);
    for (let i = 0; i < this.binding.maxConcurrentCalls; i++) {
      this.#workers.push(
        this.#run().catch((err: unknown) => {
          this.registry.log(
            'critical',
            'system',
            `Service Bus receiver ${this.fn.name} on ${this.#where()} stopped: ${(err as Error).stack ?? String(err)}`,
            this.fn.name,
          );
        }),
      );
    }
  }

  /** Takes no new message, lets the invocations in flight finish and settles them. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#workers);
  }

  async #run(): Promise<void> {
    const { topic, subscription } = this.binding;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const delivery = topic.receive(subscription);
      if (!delivery) {
        await topic.waitForMessage(subscription, signal);
        continue;
      }
      await this.#deliver(delivery);
    }
  }

  async #deliver(delivery: Delivery): Promise<void> {
    const renewal = this.#renewWhileRunning(delivery);
    const outcome = await invoke(this.registry, this.fn, {
      inputData: [{ name: this.fn.trigger.name, data: messageBody(delivery, this.binding.dataType) }],
      triggerMetadata: messageTriggerMetadata(delivery, this.fn.name),
    }).finally(() => renewal.stop());
    const doneMs = Date.now();
    this.events.emit('invocation', {
      functionName: this.fn.name,
      invocationId: outcome.invocationId,
      triggerType: this.fn.trigger.type,
      durationMs: outcome.durationMs,
      ok: outcome.ok,
      error: outcome.ok ? undefined : outcome.error.message,
      retryCount: delivery.deliveryCount - 1,
      eventCount: 1,
      enqueueLagMs: [doneMs - delivery.message.enqueuedTimeMs],
    });
    let settlement: Pick<MessageSettledEvent, 'outcome' | 'reason' | 'description'>;
    try {
      if (outcome.ok) {
        settlement = this.binding.topic.complete(delivery);
      } else {
        settlement = this.binding.topic.abandon(delivery, outcome.error.message);
        const level = settlement.outcome === 'deadLettered' ? 'error' : 'warning';
        this.registry.log(
          level,
          'system',
          `Function ${this.fn.name} failed on ${this.#where()} message ${delivery.message.messageId} (delivery ${delivery.deliveryCount}): ${outcome.error.message}; ${settlement.outcome === 'deadLettered' ? `dead-lettered (${settlement.reason})` : 'abandoned for redelivery'}.`,
          this.fn.name,
          outcome.invocationId,
        );
      }
    } catch (err) {
      if (!(err instanceof LockLostError)) throw err;
      settlement = { outcome: 'lockLost', reason: 'MessageLockLost', description: err.message };
      this.registry.log(
        'warning',
        'system',
        `Function ${this.fn.name} ${outcome.ok ? 'finished' : 'failed'} on ${this.#where()} message ${delivery.message.messageId} (delivery ${delivery.deliveryCount}) after its lock was lost; Service Bus delivers it again, so the function must be idempotent (a longer host.json maxAutoLockRenewalDuration keeps the lock longer).`,
        this.fn.name,
        outcome.invocationId,
      );
    }
    this.events.emit('messageSettled', {
      functionName: this.fn.name,
      topic: this.binding.topic.name,
      subscription: this.binding.subscription,
      messageId: delivery.message.messageId,
      sequenceNumber: delivery.message.sequenceNumber,
      deliveryCount: delivery.deliveryCount,
      ...settlement,
    });
  }

  /** Renews the delivery's lock shortly before it runs out, as long as `maxAutoLockRenewalDuration` allows. */
  #renewWhileRunning(delivery: Delivery): { stop(): void } {
    const { clock, topic, maxAutoLockRenewalDurationMs } = this.binding;
    const renewUntilMs = clock.now() + maxAutoLockRenewalDurationMs;
    let lockedUntilMs = delivery.lockedUntilMs;
    let cancel: (() => void) | undefined;
    let stopped = false;
    const arm = () => {
      const remaining = lockedUntilMs - clock.now();
      const atMs =
        remaining < RENEW_NOW_BELOW_MS ? clock.now() : lockedUntilMs - Math.min(remaining / 2, MAX_RENEW_BUFFER_MS);
      // The renewal loop is cancelled maxAutoLockRenewalDuration after the receive: a renewal due later never happens.
      if (atMs >= renewUntilMs) return;
      cancel = clock.setTimer(atMs, () => {
        if (stopped) return;
        try {
          lockedUntilMs = topic.renewLock(delivery);
          arm();
        } catch (err) {
          if (!(err instanceof LockLostError)) throw err;
        }
      });
    };
    arm();
    return {
      stop: () => {
        stopped = true;
        cancel?.();
      },
    };
  }

  #where(): string {
    return `${this.binding.topic.name}/subscriptions/${this.binding.subscription}`;
  }
}
