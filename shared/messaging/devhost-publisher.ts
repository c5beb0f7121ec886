import { z } from 'zod';
import type { PlantEvent } from './cloud-event.js';
import { toServiceBusMessage } from './cloud-event.js';
import type { EventPublisher } from './event-publisher.js';
import { PLANT_EVENTS_TOPIC } from './subscriptions.js';
import { DomainError } from '../kernel/errors.js';

/** A message as `POST /_devhost/servicebus/topics/{topic}/messages` takes it (body as text, like an AMQP data section). */
export const DevhostTopicMessage = z.object({
  body: z.string(),
  messageId: z.string().min(1).max(128).optional(),
  contentType: z.string().optional(),
  subject: z.string().optional(),
  correlationId: z.string().optional(),
  applicationProperties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type DevhostTopicMessage = z.infer<typeof DevhostTopicMessage>;

export class DevhostPublishError extends DomainError {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(
      'unavailable',
      'ERR-DEVHOST-PUBLISH',
      `The devhost refused the events (HTTP ${status}): ${detail}. Is the devhost running at the ServiceBusConnection endpoint?`,
    );
  }
}

/** Publishes to the devhost's local `plant-events` topic over its admin HTTP endpoint (the same message shape as in Azure). */
export class DevhostEventPublisher implements EventPublisher {
  constructor(
    private readonly endpoint: string,
    private readonly topic = PLANT_EVENTS_TOPIC,
    /** The devhost's `servicebus` key (SharedAccessKey of the connection string). */
    private readonly key?: string,
  ) {}

  async publish(events: readonly PlantEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages: DevhostTopicMessage[] = events.map((e) => {
      const m = toServiceBusMessage(e);
      return { ...m, body: JSON.stringify(m.body) };
    });
    const res = await fetch(`${this.endpoint}/topics/${encodeURIComponent(this.topic)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { 'x-functions-key': this.key } : {}) },
      body: JSON.stringify(messages),
    });
    if (res.status !== 202) throw new DevhostPublishError(res.status, (await res.text()).slice(0, 500));
  }

  async close(): Promise<void> {}
}
