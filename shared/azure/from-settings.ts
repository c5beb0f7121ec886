/** Helpers every `…FromSettings` wiring shares: build once per process, the local Cosmos test, the plant-events publisher. */
import { isLoopback, settings } from '../config/settings.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { createEventPublisher } from './service-bus-publisher.js';

/** Builds a value once per process and shares it; a failed build is not cached, so the next call tries again. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((e: unknown) => {
      value = undefined;
      throw e;
    });
    return value;
  };
}

/** True when the settings name the local Cosmos-compatible server (which starts empty, so containers are created). */
export const localCosmos = () => {
  const s = settings();
  return Boolean(s.COSMOS_KEY && s.COSMOS_ENDPOINT && isLoopback(s.COSMOS_ENDPOINT));
};

/** The plant-events publisher the settings call for (Service Bus in Azure, the devhost's topic locally). */
export const eventPublisherFromSettings = once<EventPublisher>(async () => createEventPublisher());
