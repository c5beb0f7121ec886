/**
 * The alert life-cycle on the persistent store: the store is the truth, shared by every instance and surviving a
 * restart. Each step reads the alert with its version, applies the pure rule of alert.ts and writes back only if the
 * version is unchanged (otherwise it reads again), so an acknowledgement from the API, an escalation from the timer
 * and a clear from the telemetry consumer never overwrite each other.
 *
 * One open alert per condition and scope: alert n + 1 of a condition and scope has a fixed id and is created only
 * after alert n was seen cleared (cleared is final), so two instances raising at once collide on one document.
 *
 * Every published state change (raised, acknowledged, escalated, cleared) is queued as `smelter.alert.<verb>` in the
 * same atomic write as the change (the outbox, shared/messaging/outbox.ts), then published and taken out; what a
 * failed publish leaves, the outbox sweep publishes.
 */
import type { EventPublisher } from '../messaging/event-publisher.js';
import { publishQueued, type QueuedEvent } from '../messaging/outbox.js';
import { alertChangedEvent, alertChangeOf, type AlertChangeVerb } from './alert-events.js';
import {
  acknowledgeAlert,
  clearAlert,
  escalateAlert,
  isOpen,
  newAlert,
  repeatAlert,
  seenSource,
  type Alert,
  type AlertTransition,
  type RaiseRequest,
} from './alert.js';
import { AlertError } from './errors.js';
import type { Severity } from './rule.js';
import type { AlertStore } from './store.js';

/** Reads and writes per step before giving up: each retry means another writer changed the alert, so progress was made. */
const MAX_ATTEMPTS = 20;

/** What a step did: the alert as the store now holds it, and the transition when something changed. */
export interface Applied {
  alert: Alert;
  transition?: AlertTransition;
}

export interface AlertRecordsOptions {
  store: AlertStore;
  /** Publishes alert state changes right after their write; without one they wait in the outbox for the sweep. */
  publisher?: EventPublisher;
  /** Told when a publish failed (the change stays in the outbox for the sweep). */
  onPublishError?: (alertId: string, error: unknown) => void;
}

export class AlertRecords {
  readonly store: AlertStore;

  constructor(private readonly options: AlertRecordsOptions) {
    this.store = options.store;
  }

  /**
   * Raises the alert the request calls for, or counts a repeat on the open one. A request already applied (its
   * source event is in the alert's history, or an alert of the condition and scope was raised at that very time)
   * changes nothing and answers the alert it made.
   */
  async raise(r: RaiseRequest): Promise<Applied> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const latest = await this.store.latest(r.conditionKey, r.scopeKey);
      if (latest && seenSource(latest.alert, r.sourceId)) return { alert: latest.alert };
      if (latest && isOpen(latest.alert)) {
        const alert = structuredClone(latest.alert);
        repeatAlert(alert, r);
        if (await this.store.replace(alert, [], latest.etag))
          return { alert, transition: { action: 'repeated', alert, channels: [] } };
        continue;
      }
      const earlier = await this.store.raisedAt(r.conditionKey, r.scopeKey, r.atMs);
      if (earlier) return { alert: earlier };
      const alert = newAlert(r, (latest?.alert.generation ?? 0) + 1);
      const queued = await this.store.create(alert, [alertChangedEvent(alertChangeOf(alert, 'raised', r.atMs))]);
      if (queued) {
        await this.publish(alert.id, queued);
        return { alert, transition: { action: 'raised', alert, channels: alert.channels } };
      }
      // Someone raised generation n + 1 first (or our view of the latest was stale): read again.
    }
    throw conflict(`${r.conditionKey} / ${r.scopeKey}`);
  }

  /** A person has seen the alert: it stops escalating. Throws ERR-ALERT-NOT-FOUND, or ERR-ALERT-STATE when already cleared. */
  acknowledge(alertId: string, by: string, atMs: number): Promise<Applied> {
    return this.change(alertId, 'acknowledged', atMs, by, (a) => acknowledgeAlert(a, by, atMs), []);
  }

  /** Closes the alert (condition cleared, or by hand); clearing a cleared alert changes nothing. */
  clear(alertId: string, atMs: number, by?: string, detail?: string): Promise<Applied> {
    return this.change(alertId, 'cleared', atMs, by, (a) => clearAlert(a, atMs, by, detail), undefined);
  }

  /** Escalates an alert still active and never escalated; otherwise changes nothing. */
  escalate(alertId: string, atMs: number, channels: string[], severity?: Severity): Promise<Applied> {
    return this.change(
      alertId,
      'escalated',
      atMs,
      undefined,
      (a) => escalateAlert(a, atMs, channels, severity),
      channels,
    );
  }

  /** `channels` undefined: the alert's own channels. */
  private async change(
    alertId: string,
    verb: AlertChangeVerb,
    atMs: number,
    by: string | undefined,
    apply: (a: Alert) => boolean,
    channels: string[] | undefined,
  ): Promise<Applied> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.get(alertId);
      if (!stored) throw new AlertError('ERR-ALERT-NOT-FOUND', `no alert ${alertId}`, 'alertId');
      const alert = structuredClone(stored.alert);
      if (!apply(alert)) return { alert: stored.alert };
      const event = alertChangedEvent(alertChangeOf(alert, verb, atMs, by));
      const queued = await this.store.replace(alert, [event], stored.etag);
      if (queued) {
        await this.publish(alert.id, queued);
        return { alert, transition: { action: verb, alert, channels: channels ?? alert.channels } };
      }
    }
    throw conflict(alertId);
  }

  /** Publishes what a step queued and takes it out of the outbox; a failure leaves it there for the sweep. */
  private async publish(alertId: string, queued: readonly QueuedEvent[]): Promise<void> {
    const publisher = this.options.publisher;
    if (!publisher) return;
    const outcome = await publishQueued(publisher, queued);
    if (!outcome.published) this.options.onPublishError?.(alertId, outcome.error);
  }
}

const conflict = (what: string) =>
  new AlertError(
    'ERR-ALERT-CONFLICT',
    `alert ${what} kept changing under ${MAX_ATTEMPTS} attempts; retry the operation`,
    'alertId',
  );
