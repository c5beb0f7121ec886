import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  EVENT_TYPE_PROPERTY,
  matchesSubscription,
  PLANT_EVENT_SUBSCRIPTIONS,
  PLANT_EVENTS_DUPLICATE_DETECTION_WINDOW,
  PLANT_EVENTS_TOPIC,
  sqlFilterOf,
} from '../../../shared/messaging/subscriptions.js';
import type { DevhostEvents } from '../events.js';
import { systemClock, type Clock } from '../timer/clock.js';
import { isoDurationMs } from './iso-duration.js';
import {
  LocalTopic,
  TopicError,
  type MessageToSend,
  type SendReceipt,
  type SubscriptionSettings,
} from './local-topic.js';

/** Service Bus defaults for an entity created without settings (learn.microsoft.com, "Service Bus quotas" / entity properties). */
const DEFAULT_MAX_DELIVERY_COUNT = 10;
/** Default subscription lock duration: 1 minute. */
const DEFAULT_LOCK_DURATION_MS = 60_000;

/**
 * App setting that shortens every subscription's lock duration locally (ISO 8601, e.g. PT2S), so a message locked by
 * a killed devhost comes back sooner than the one minute the definition gives. A devhost knob only.
 */
export const LOCK_DURATION_OVERRIDE_SETTING = 'DEVHOST_SERVICEBUS_LOCK_DURATION';

/** Topic names: letters, digits, `.`, `-`, `_`, `/` up to 260 characters (learn.microsoft.com, Service Bus naming rules). */
const TOPIC_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,259}$/;
const SUBSCRIPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

export interface ServiceBusNamespaceOptions {
  dir: string;
  events: DevhostEvents;
  env: NodeJS.ProcessEnv;
  /** Duplicate-detection window of `plant-events` (default: the one Bicep provisions); other topics have none. */
  duplicateWindowMs?: number;
  /** Clock for enqueue times, locks, lock expiry and time to live (the devhost's; tests pass a ManualClock). */
  clock?: Clock;
  /** A bare time source instead of a clock (timers then run on the wall clock). */
  now?: () => number;
}

/**
 * The devhost's Service Bus namespace: topics created on first use under `<dir>/<topic>/`. `plant-events` gets
 * exactly the subscriptions and filters of shared/messaging/subscriptions.ts; any other topic gets a subscription
 * with the default rule (every message) when a trigger or a caller names it.
 */
export class LocalServiceBusNamespace {
  readonly #topics = new Map<string, LocalTopic>();
  readonly #lockOverrideMs: number | undefined;
  readonly #clock: Clock;

  constructor(private readonly options: ServiceBusNamespaceOptions) {
    const override = options.env[LOCK_DURATION_OVERRIDE_SETTING];
    this.#lockOverrideMs = override ? isoDurationMs(override, LOCK_DURATION_OVERRIDE_SETTING) : undefined;
    const now = options.now;
    this.#clock =
      options.clock ??
      (now ? { now, setTimer: (atMs, fn) => systemClock.setTimer(Date.now() + atMs - now(), fn) } : systemClock);
  }

  /** The topic of that name (case-insensitive), opened from its journal or created. */
  topic(name: string): LocalTopic {
    if (!TOPIC_NAME.test(name)) throw new TopicError('topic', `"${name}" is not a valid Service Bus topic name`);
    const key = name.toLowerCase();
    let topic = this.#topics.get(key);
    if (!topic) {
      const dir = path.join(this.options.dir, encodeURIComponent(key));
      mkdirSync(dir, { recursive: true });
      // Only plant-events is created with duplicate detection (bicep/modules/servicebus.bicep); in Service Bus it is
      // off unless a topic is created with it, so the devhost's other topics deliver a repeated message id again.
      const plantEvents = key === PLANT_EVENTS_TOPIC;
      topic = new LocalTopic(key, plantEvents ? this.#plantEventSubscriptions() : [], {
        dir,
        duplicateWindowMs: plantEvents
          ? (this.options.duplicateWindowMs ??
            isoDurationMs(PLANT_EVENTS_DUPLICATE_DETECTION_WINDOW, 'PLANT_EVENTS_DUPLICATE_DETECTION_WINDOW'))
          : undefined,
        clock: this.#clock,
      });
      this.#topics.set(key, topic);
    }
    return topic;
  }

  /** The subscription a trigger reads; on topics outside the definition it is created with the default rule. */
  subscribe(topicName: string, subscription: string): LocalTopic {
    const topic = this.topic(topicName);
    if (topic.name === PLANT_EVENTS_TOPIC) {
      topic.subscription(subscription);
      return topic;
    }
    if (!SUBSCRIPTION_NAME.test(subscription))
      throw new TopicError('subscription', `"${subscription}" is not a valid subscription name`);
    topic.ensureSubscription({
      name: subscription,
      filterText: '1=1',
      matches: () => true,
      maxDeliveryCount: DEFAULT_MAX_DELIVERY_COUNT,
      lockDurationMs: this.#lockOverrideMs ?? DEFAULT_LOCK_DURATION_MS,
      timeToLiveMs: Number.MAX_SAFE_INTEGER,
    });
    return topic;
  }

  /** Sends to a topic and warns about messages no subscription takes (Service Bus discards those silently). */
  send(topicName: string, messages: MessageToSend[]): SendReceipt[] {
    const topic = this.topic(topicName);
    const receipts = topic.send(messages);
    for (const r of receipts.filter((x) => !x.duplicate && x.subscriptions.length === 0)) {
      this.options.events.emit('log', {
        level: 'warning',
        category: 'system',
        message: `Message ${r.messageId} on topic ${topic.name} matched no subscription and was discarded, as Service Bus does (filters: ${
          topic
            .stats()
            .map((s) => `${s.subscription}: ${s.filter}`)
            .join('; ') || 'no subscriptions'
        }).`,
      });
    }
    return receipts;
  }

  /** Topics opened so far. */
  list(): LocalTopic[] {
    return [...this.#topics.values()];
  }

  close(): void {
    this.#topics.forEach((t) => t.close());
    this.#topics.clear();
  }

  #plantEventSubscriptions(): SubscriptionSettings[] {
    return PLANT_EVENT_SUBSCRIPTIONS.map((def) => ({
      name: def.name,
      filterText: sqlFilterOf(def),
      // A SQL filter compares the property only when it is a string; a missing property never matches.
      matches: (props) => {
        const type = props[EVENT_TYPE_PROPERTY];
        return typeof type === 'string' && matchesSubscription(def, type);
      },
      maxDeliveryCount: def.maxDeliveryCount,
      lockDurationMs: this.#lockOverrideMs ?? isoDurationMs(def.lockDuration, `subscription ${def.name} lockDuration`),
      timeToLiveMs: isoDurationMs(def.defaultMessageTimeToLive, `subscription ${def.name} defaultMessageTimeToLive`),
    }));
  }
}
