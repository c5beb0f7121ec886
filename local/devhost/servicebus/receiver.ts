import type { DevhostEvents } from '../events.js';
import { invoke } from '../invoke.js';
import type { FunctionRegistry, RegisteredFunction } from '../registry.js';
import type { Delivery, LocalTopic, Settlement } from './local-topic.js';
import { messageBody, messageTriggerMetadata } from './trigger-data.js';

export interface SubscriptionBinding {
  topic: LocalTopic;
  subscription: string;
  /** Messages in flight at once for this function (host.json `maxConcurrentCalls`). */
  maxConcurrentCalls: number;
  dataType: string | undefined;
}

/**
 * Receives one subscription for one function with peek-lock, as the Functions host does with autoCompleteMessages:
 * success → complete, a thrown error → abandon (redelivered, delivery count +1; dead-lettered by the topic after
 * maxDeliveryCount). At most `maxConcurrentCalls` invocations at a time.
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
    const outcome = await invoke(this.registry, this.fn, {
      inputData: [{ name: this.fn.trigger.name, data: messageBody(delivery, this.binding.dataType) }],
      triggerMetadata: messageTriggerMetadata(delivery, this.fn.name),
    });
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
    let settlement: Settlement;
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

  #where(): string {
    return `${this.binding.topic.name}/subscriptions/${this.binding.subscription}`;
  }
}
