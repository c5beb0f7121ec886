/**
 * Putting a cell or line in manual and releasing it. The store is written first (that is what the dispatcher reads
 * before every send, so enforcement starts when the write returns), then `smelter.override.changed` is published.
 */
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { overrideChangedEvent, type OverrideChangedData } from './events.js';
import {
  OverrideConflictError,
  scopeKeyOf,
  type OverrideDoc,
  type OverrideScope,
  type OverrideStore,
} from './override.js';
import { DomainError } from '../kernel/errors.js';

/** Who changes an override: the token subject, the calling application and the request's correlation id. */
export type OverrideActor = Actor;

/** What changing an override touches: the store the dispatcher reads, the plant-events topic, the audit trail. */
export interface OverrideDeps {
  overrides: OverrideStore;
  publisher: EventPublisher;
  audit: AuditLog;
}

export interface OverrideChange {
  override: OverrideDoc;
  /** False when the scope was already in the asked-for mode (nothing written; its event re-published under the same id). */
  changed: boolean;
  event: PlantEvent;
}

/** The override is stored and enforced, but its event did not reach the topic; repeating the request publishes it. */
export class OverridePublishError extends DomainError {
  constructor(
    readonly override: OverrideDoc,
    cause: unknown,
  ) {
    super(
      'unavailable',
      'ERR-SCADA-OVERRIDE-UNPUBLISHED',
      `${override.scopeKey} is ${override.mode} (version ${override.version}) and enforced, but its event could not be published (${cause instanceof Error ? cause.message : String(cause)}); repeat the same request to publish it`,
      'smelter.override.changed',
    );
  }
}

/**
 * Puts the scope in manual now. Asking again while it is in manual writes nothing and re-publishes the current
 * event (same id, so consumers drop it if they had it): that is how a caller repairs a publish that failed.
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
  if (current?.mode === 'manual')
    return { override: current, changed: false, event: await publishOf(deps.publisher, current) };
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
  if (current?.mode !== 'manual') {
    // A repeated release (its first answer lost) re-publishes the release before saying there is nothing to do.
    if (current?.mode === 'released') await publishOf(deps.publisher, current);
    throw new OverrideConflictError('scope', `${scopeKey} is not in manual; there is nothing to release`);
  }
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
 * Stores the change (enforced from here on), records it in the audit trail, then publishes it. The record comes
 * before publishing so that a publish failure, which the caller repairs by repeating the request (a no-op write),
 * still leaves the one change recorded once.
 */
async function write(
  deps: OverrideDeps,
  doc: OverrideDoc,
  expectedVersion: number | undefined,
  actor: OverrideActor,
): Promise<OverrideChange> {
  await deps.overrides.put(doc, expectedVersion);
  await deps.audit.record({
    action: doc.mode === 'manual' ? 'override.requested' : 'override.released',
    resource: `overrides/${doc.scopeKey}`,
    actor,
    atMs: doc.updatedAtMs,
    detail: { scope: doc.scope, mode: doc.mode, reason: doc.reason, version: doc.version },
  });
  return { override: doc, changed: true, event: await publishOf(deps.publisher, doc) };
}

async function publishOf(publisher: EventPublisher, doc: OverrideDoc): Promise<PlantEvent> {
  const event = overrideChangedEvent(doc);
  try {
    await publisher.publish([event]);
  } catch (e) {
    throw new OverridePublishError(doc, e);
  }
  return event;
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
