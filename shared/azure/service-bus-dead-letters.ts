import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import {
  DeadLetterAdminError,
  REPLAY_OF_PROPERTY,
  type DeadLetterAdmin,
  type DeadLetterView,
  type ReplaySelection,
} from '../messaging/dead-letters.js';

/** Messages fetched per peek or receive call (the SDK's batches; the service caps a batch by size anyway). */
const BATCH_MESSAGES = 100;
/** How long a receive waits for more dead-lettered messages before the queue counts as drained, ms. */
const DRAIN_WAIT_MS = 3_000;
/** Service Bus message id limit, characters (learn.microsoft.com, "Service Bus quotas"). */
const MAX_MESSAGE_ID_CHARS = 128;

function bodyText(m: ServiceBusReceivedMessage): string {
  const b: unknown = m.body;
  if (typeof b === 'string') return b;
  if (Buffer.isBuffer(b) || b instanceof Uint8Array) return Buffer.from(b).toString('utf8');
  return JSON.stringify(b);
}

function view(m: ServiceBusReceivedMessage): DeadLetterView {
  return {
    sequenceNumber: Number(m.sequenceNumber ?? -1),
    messageId: String(m.messageId ?? ''),
    deliveryCount: m.deliveryCount ?? 0,
    deadLetterReason: m.deadLetterReason ?? '',
    deadLetterErrorDescription: m.deadLetterErrorDescription ?? '',
    enqueuedTimeUtc: m.enqueuedTimeUtc?.toISOString() ?? '',
    applicationProperties: { ...(m.applicationProperties ?? {}) },
    body: bodyText(m),
  };
}

/**
 * Dead-letter queues of a topic's subscriptions in Azure Service Bus (`<topic>/Subscriptions/<sub>/$deadletterqueue`).
 * Replay resends to the topic (Service Bus cannot send to one subscription), so every subscription whose filter matches
 * gets the message again: consumers are idempotent by CloudEvent id. The resent message gets a new message id
 * (`<id>.replay-<ms>`) so topic duplicate detection does not drop it, and carries the old one in `replayOfMessageId`.
 */
export class ServiceBusDeadLetterAdmin implements DeadLetterAdmin {
  constructor(
    private readonly client: ServiceBusClient,
    private readonly topic: string,
  ) {}

  async list(subscription: string): Promise<DeadLetterView[]> {
    const receiver = this.client.createReceiver(this.topic, subscription, { subQueueType: 'deadLetter' });
    try {
      const out: DeadLetterView[] = [];
      // The SDK's sequence numbers are Long values; stepping with their own add keeps 64-bit precision.
      let from: NonNullable<ServiceBusReceivedMessage['sequenceNumber']> | undefined;
      for (;;) {
        const batch = await receiver.peekMessages(
          BATCH_MESSAGES,
          from === undefined ? undefined : { fromSequenceNumber: from },
        );
        if (batch.length === 0) return out;
        out.push(...batch.map(view));
        const last = batch[batch.length - 1]!.sequenceNumber;
        if (last === undefined) return out;
        from = last.add(1);
      }
    } finally {
      await receiver.close();
    }
  }

  async replay(subscription: string, selection: ReplaySelection): Promise<string[]> {
    const wanted = 'all' in selection ? undefined : new Set(selection.ids);
    const receiver = this.client.createReceiver(this.topic, subscription, {
      subQueueType: 'deadLetter',
      receiveMode: 'peekLock',
    });
    const sender = this.client.createSender(this.topic);
    const skipped: ServiceBusReceivedMessage[] = [];
    const replayed: string[] = [];
    try {
      for (;;) {
        const batch = await receiver.receiveMessages(BATCH_MESSAGES, { maxWaitTimeInMs: DRAIN_WAIT_MS });
        if (batch.length === 0) break;
        for (const m of batch) {
          const id = String(m.messageId ?? '');
          if (wanted && !wanted.has(id)) {
            skipped.push(m);
            continue;
          }
          await sender.sendMessages({
            body: m.body,
            contentType: m.contentType,
            correlationId: m.correlationId,
            subject: m.subject,
            messageId: `${id}.replay-${Date.now()}`.slice(-MAX_MESSAGE_ID_CHARS),
            applicationProperties: { ...(m.applicationProperties ?? {}), [REPLAY_OF_PROPERTY]: id },
          });
          // Completed only after the resend succeeded: a crash in between leaves it in the DLQ (replayed at most twice, never lost).
          await receiver.completeMessage(m);
          replayed.push(id);
        }
        if (wanted && replayed.length === wanted.size) break;
      }
    } finally {
      for (const m of skipped) await receiver.abandonMessage(m).catch(() => undefined);
      await sender.close();
      await receiver.close();
    }
    if (wanted) {
      const missing = [...wanted].filter((id) => !replayed.includes(id));
      if (missing.length > 0)
        throw new DeadLetterAdminError(
          'id',
          `${missing.join(', ')} not found in the dead-letter queue of ${subscription} (replayed: ${replayed.join(', ') || 'none'})`,
        );
    }
    return replayed;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
