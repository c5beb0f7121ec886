/**
 * The outbox sweep wired to Cosmos: one source per container that holds queued events (OUTBOX_CONTAINERS), each
 * opened once per process through the composition root, and the app's plant-events publisher.
 */
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { OutboxSource } from '../messaging/outbox.js';
import { appContainer, eventPublisherFromSettings, once } from './composition-root.js';
import { OUTBOX_CONTAINERS } from './containers.js';
import { CosmosOutbox } from './cosmos-outbox.js';

export interface OutboxSweepDeps {
  publisher: EventPublisher;
  sources: OutboxSource[];
}

/** What the `outboxSweep` timer reads and publishes with, for the current settings. */
export const outboxSweepDepsFromSettings = once<OutboxSweepDeps>(async () => {
  const [publisher, ...sources] = await Promise.all([
    eventPublisherFromSettings(),
    ...OUTBOX_CONTAINERS.map(async (c) => new CosmosOutbox(await appContainer(c.name, c.partitionKey), c.partitionKey)),
  ]);
  return { publisher: publisher as EventPublisher, sources: sources as OutboxSource[] };
});
