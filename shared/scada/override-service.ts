/**
 * Putting a cell or line in manual and releasing it. The store is written first (that is what the dispatcher reads
 * before every send, so enforcement starts when the write returns), then `smelter.override.changed` is published.
 */
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { overrideChangedEvent, type OverrideChangedData } from './events.js';
import { OverrideConflictError, scopeKeyOf, type OverrideDoc, type OverrideScope, type OverrideStore } from './override.js';

export interface OverrideActor {
  /** Token subject. */
  subject: string;
  correlationId: string;
}

export interface OverrideChange {
  override: OverrideDoc;
  /** False when the scope was already in the asked-for mode (nothing written, nothing published). */
  changed: boolean;
  event?: PlantEvent;
}

/** Puts the scope in manual now; asking again while it is in manual changes nothing. */
export async function requestManual(store: OverrideStore, publisher: EventPublisher, scope: OverrideScope, reason: string, actor: OverrideActor, nowMs: number): Promise<OverrideChange> {
  const scopeKey = scopeKeyOf(scope);
  const current = await store.get(scopeKey);
  if (current?.mode === 'manual') return { override: current, changed: false };
  const doc: OverrideDoc = {
    id: scopeKey,
    scopeKey,
    scope,
    mode: 'manual',
    reason,
    requestedBy: actor.subject,
    requestedAtMs: nowMs,
    version: (current?.version ?? 0) + 1,
    correlationId: actor.correlationId,
    updatedAtMs: nowMs,
  };
  return write(store, publisher, doc, current?.version);
}

/** Releases the scope's manual mode; throws OverrideConflictError when it is not in manual. */
export async function releaseManual(store: OverrideStore, publisher: EventPublisher, scope: OverrideScope, reason: string, actor: OverrideActor, nowMs: number): Promise<OverrideChange> {
  const scopeKey = scopeKeyOf(scope);
  const current = await store.get(scopeKey);
  if (current?.mode !== 'manual') throw new OverrideConflictError('scope', `${scopeKey} is not in manual; there is nothing to release`);
  const doc: OverrideDoc = {
    ...current,
    mode: 'released',
    reason,
    releasedBy: actor.subject,
    releasedAtMs: nowMs,
    version: current.version + 1,
    correlationId: actor.correlationId,
    updatedAtMs: nowMs,
  };
  return write(store, publisher, doc, current.version);
}

async function write(store: OverrideStore, publisher: EventPublisher, doc: OverrideDoc, expectedVersion: number | undefined): Promise<OverrideChange> {
  await store.put(doc, expectedVersion);
  const event = overrideChangedEvent(doc);
  await publisher.publish([event]);
  return { override: doc, changed: true, event };
}

/**
 * Brings the store up to an override event (one made elsewhere, or a store that missed the write): a newer version
 * replaces the stored one, an older or equal one changes nothing. Returns whether it wrote.
 */
export async function applyOverrideEvent(store: OverrideStore, data: OverrideChangedData): Promise<boolean> {
  const current = await store.get(data.scopeKey);
  if (current && current.version >= data.version) return false;
  try {
    await store.put(data.override, current?.version);
    return true;
  } catch (e) {
    // Another writer got there first; the store holds that newer state.
    if (e instanceof OverrideConflictError) return false;
    throw e;
  }
}
