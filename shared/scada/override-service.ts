/**
 * Putting a cell or line in manual and releasing it. The store is written first (that is what the dispatcher reads
 * before every send, so enforcement starts when the write returns), with `smelter.override.changed` queued in the
 * same atomic write (the outbox, shared/messaging/outbox.ts); the event is published right after, or by the outbox
 * sweep when the topic refuses it. Either way the change stands and the request succeeds.
 */
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { publishQueued, type QueuedWarning } from '../messaging/outbox.js';
import { overrideChangedEvent, type OverrideChangedData } from './events.js';
import {
  OverrideConflictError,
  scopeKeyOf,
  type OverrideDoc,
  type OverrideScope,
  type OverrideStore,
} from './override.js';

/** Who changes an override: the token subject, the calling application and the request's correlation id. */
export type OverrideActor = Actor;

/** What changing an override touches: the store the dispatcher reads, the plant-events topic, the audit trail. */
export interface OverrideDeps {
  overrides: OverrideStore;
  publisher: EventPublisher;
  audit: AuditLog;
  /** Hears when the topic refused a change's event (it stays queued for the outbox sweep). */
  warn?: QueuedWarning;
}

export interface OverrideChange {
  override: OverrideDoc;
  /** False when the scope was already in the asked-for mode (nothing written, nothing published). */
  changed: boolean;
  /** The event of the version in force (queued with it when it was written). */
  event: PlantEvent;
}

/**
 * Puts the scope in manual now. Asking again while it is in manual writes nothing and publishes nothing: the event
 * of the change in force went into the outbox with it, so it reaches the topic without a repeat.
 */
export async function requestManual(
  deps: OverrideDeps,
  scope: OverrideScope,
  reason: string,
  actor: OverrideActor,
  nowMs: number,
): Promise<OverrideChange> {
  const scopeKey = scopeKeyOf(scope);
  const current = await deps.overrides.get(scopeKey);
  if (current?.mode === 'manual') return { override: current, changed: false, event: overrideChangedEvent(current) };
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
  return write(deps, doc, current?.version, actor);
}

/** Releases the scope's manual mode; throws OverrideConflictError when it is not in manual. */
export async function releaseManual(
  deps: OverrideDeps,
  scope: OverrideScope,
  reason: string,
  actor: OverrideActor,
  nowMs: number,
): Promise<OverrideChange> {
  const scopeKey = scopeKeyOf(scope);
  const current = await deps.overrides.get(scopeKey);
  if (current?.mode !== 'manual')
    throw new OverrideConflictError('scope', `${scopeKey} is not in manual; there is nothing to release`);
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
  return write(deps, doc, current.version, actor);
}

/**
 * Stores the change (enforced from here on) with its event queued in the same write, then records it in the audit
 * trail and publishes the event side by side. A publish the topic refuses leaves the event to the outbox sweep.
 */
async function write(
  deps: OverrideDeps,
  doc: OverrideDoc,
  expectedVersion: number | undefined,
  actor: OverrideActor,
): Promise<OverrideChange> {
  const event = overrideChangedEvent(doc);
  const queued = await deps.overrides.put(doc, expectedVersion, [event]);
  await Promise.all([
    deps.audit.record({
      action: doc.mode === 'manual' ? 'override.requested' : 'override.released',
      resource: `overrides/${doc.scopeKey}`,
      actor,
      atMs: doc.updatedAtMs,
      detail: { scope: doc.scope, mode: doc.mode, reason: doc.reason, version: doc.version },
    }),
    publishQueued(deps.publisher, queued, deps.warn),
  ]);
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
