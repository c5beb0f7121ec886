import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';

/** A dead-lettered message as `npm run bus -- dlq ls` shows it, whichever broker holds it. */
export const DeadLetterView = z.object({
  sequenceNumber: z.number().int(),
  messageId: z.string(),
  deliveryCount: z.number().int(),
  deadLetterReason: z.string(),
  deadLetterErrorDescription: z.string(),
  enqueuedTimeUtc: z.string(),
  applicationProperties: z.record(z.string(), z.unknown()),
  body: z.string(),
});
export type DeadLetterView = z.infer<typeof DeadLetterView>;

/** Which dead-lettered messages a replay takes: the listed message ids, or every one. */
export type ReplaySelection = { ids: readonly string[] } | { all: true };

/**
 * The dead-letter queues of one topic's subscriptions: list and replay. Devhost (over its admin HTTP endpoints)
 * and Azure Service Bus (shared/azure/service-bus-dead-letters.ts) implement it.
 */
export interface DeadLetterAdmin {
  /** Every message in the subscription's dead-letter queue, oldest first. */
  list(subscription: string): Promise<DeadLetterView[]>;
  /** Delivers the selected messages again with a fresh delivery count and removes them from the DLQ; resolves with their ids. */
  replay(subscription: string, selection: ReplaySelection): Promise<string[]>;
  close(): Promise<void>;
}

/** Application property a replayed message carries in Azure: the message id it was dead-lettered under. */
export const REPLAY_OF_PROPERTY = 'replayOfMessageId';

export class DeadLetterAdminError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super('invalid-input', 'ERR-DLQ', `${field} ${detail}`, field);
  }
}

/** The devhost's dead-letter queues through `/_devhost/servicebus/topics/{topic}/subscriptions/{sub}/deadletters`. */
export class DevhostDeadLetterAdmin implements DeadLetterAdmin {
  constructor(
    private readonly endpoint: string,
    private readonly topic: string,
    /** The devhost's `servicebus` key (or its master key), from `.local/keys.json`. */
    private readonly key?: string,
  ) {}

  async list(subscription: string): Promise<DeadLetterView[]> {
    const json = await this.#call('GET', subscription, '');
    return z.object({ messages: z.array(DeadLetterView) }).parse(json).messages;
  }

  /**
   * How many messages each subscription's dead-letter queue holds, from the topic's listing: one call that carries no
   * message bodies (what the dead-letter gauge reads every minute, however deep the queues are).
   */
  async depths(): Promise<Record<string, number>> {
    const url = `${this.endpoint}/topics/${encodeURIComponent(this.topic)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: this.key ? { 'x-functions-key': this.key } : {} });
    } catch (err) {
      throw new DeadLetterAdminError(
        'endpoint',
        `${this.endpoint} does not answer (${(err as Error).message}); start the devhost (npm start) or pass --url`,
      );
    }
    if (!res.ok) throw new DeadLetterAdminError('topic', `${this.topic}: the devhost answered ${res.status}`);
    const listing = z
      .object({ subscriptions: z.array(z.object({ subscription: z.string(), deadLettered: z.number().int().min(0) })) })
      .parse(await res.json());
    return Object.fromEntries(listing.subscriptions.map((s) => [s.subscription, s.deadLettered]));
  }

  async replay(subscription: string, selection: ReplaySelection): Promise<string[]> {
    const json = await this.#call(
      'POST',
      subscription,
      '/replay',
      'all' in selection ? { all: true } : { ids: selection.ids },
    );
    return z.object({ replayed: z.array(z.string()) }).parse(json).replayed;
  }

  async close(): Promise<void> {}

  async #call(method: string, subscription: string, suffix: string, body?: unknown): Promise<unknown> {
    const url = `${this.endpoint}/topics/${encodeURIComponent(this.topic)}/subscriptions/${encodeURIComponent(subscription)}/deadletters${suffix}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.key ? { 'x-functions-key': this.key } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new DeadLetterAdminError(
        'endpoint',
        `${this.endpoint} does not answer (${(err as Error).message}); start the devhost (npm start) or pass --url`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok)
      throw new DeadLetterAdminError(
        subscription,
        `: the devhost answered ${res.status}: ${json.message ?? 'no message'}`,
      );
    return json;
  }
}
