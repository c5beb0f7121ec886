import type { PlantEvent } from './cloud-event.js';

/**
 * Publishes plant events to the `plant-events` topic. The one way to publish them, because the subscriptions filter
 * on the `type` application property and duplicate detection keys on the message id, and a Functions Service Bus
 * output binding in Node.js carries only the message body (no application properties, no message id; see
 * shared/messaging/README.md). Implementations: Azure (shared/azure/service-bus-publisher.ts) and the devhost's
 * local topic over HTTP (./devhost-publisher.ts).
 */
export interface EventPublisher {
  /** Sends the events as one batch; resolves once the broker accepted every one (at-least-once: retry on failure). */
  publish(events: readonly PlantEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** An in-memory publisher for tests of code that publishes: keeps what was published, in order. */
export class RecordingEventPublisher implements EventPublisher {
  readonly published: PlantEvent[] = [];

  async publish(events: readonly PlantEvent[]): Promise<void> {
    this.published.push(...events);
  }

  async close(): Promise<void> {}
}
