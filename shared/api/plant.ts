/**
 * The plant model as an API resource: read by every role (the ERP integration included), replaced whole by a
 * Manager under If-Match. A new version is validated before anything of it is applied (ERR-4001 naming the path),
 * recorded in the audit log and published as `smelter.plant-model.changed` for the ledger (queued in the outbox in the
 * same atomic write as the new version, so a topic outage delays the event, never the answer); functions pick it up
 * within PLANT_MODEL_REFRESH_S without a restart, and runs already going finish on the version they started with.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { Link } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { publishQueued, type QueuedWarning } from '../messaging/outbox.js';
import { plantModelChangedEvent } from '../plant/events.js';
import { PlantModel } from '../plant/schema.js';
import type { PlantModelSource } from '../plant/source.js';
import type { PlantModelStore } from '../plant/store.js';

const href = v1Path('plant');
const etagOf = (version: string) => `"${version}"`;

export const PlantView = z.object({
  /** The version in force (the SHA-256 of its content); send it back quoted as If-Match to replace it. */
  version: z.string(),
  /** True when the model comes from the configured file because none is stored yet. */
  fromFile: z.boolean(),
  model: PlantModel,
  links: z.array(Link),
});
export type PlantView = z.infer<typeof PlantView>;

export interface PlantReadDeps {
  source: PlantModelSource;
  store: PlantModelStore;
}

export interface PlantWriteDeps extends PlantReadDeps {
  audit: AuditLog;
  publisher: EventPublisher;
  /** Hears when the topic refused the change's event (it stays queued for the outbox sweep). */
  warn?: QueuedWarning;
  nowMs?: () => number;
}

/** The model in force and its ETag. */
export async function getPlant(deps: PlantReadDeps): Promise<{ view: PlantView; etag: string }> {
  const [index, stored] = await Promise.all([deps.source.current(), deps.store.current()]);
  return {
    view: { version: index.version, fromFile: !stored, model: index.model, links: [{ rel: 'self', href }] },
    etag: etagOf(index.version),
  };
}

/** Replaces the model in force when If-Match names it; 412 ERR-4121 otherwise (If-Match is required: this is safety data). */
export async function replacePlant(
  deps: PlantWriteDeps,
  model: PlantModel,
  ifMatch: string | undefined,
  actor: Actor,
): Promise<{ view: PlantView; etag: string }> {
  const [index, stored] = await Promise.all([deps.source.current(), deps.store.current()]);
  const current = etagOf(index.version);
  if (
    ifMatch === undefined ||
    !ifMatch
      .split(',')
      .map((t) => t.trim())
      .includes(current)
  ) {
    throw new ApiError(
      'preconditionFailed',
      ifMatch === undefined
        ? `Send If-Match with the ETag of the plant model you edited (GET ${href}): a plant model is replaced only over the version it was read from.`
        : `The plant model in force is ${current}, not the one you edited; read it again and re-apply your change.`,
      [{ field: 'header.if-match', issue: ifMatch === undefined ? 'required' : 'does not match the current ETag' }],
    );
  }
  const nowMs = deps.nowMs?.() ?? Date.now();
  const r = await deps.store.replace(model, stored?.version, actor, nowMs, (v) => [
    plantModelChangedEvent(v, index.version, actor.correlationId),
  ]);
  if (!r.ok) {
    throw new ApiError(
      'preconditionFailed',
      'The plant model changed while yours was being stored; read it again and re-apply your change.',
      [{ field: 'header.if-match', issue: 'changed meanwhile' }],
    );
  }
  deps.source.invalidate();
  const { stored: next, pending } = r.value;
  await Promise.all([
    deps.audit.record({
      action: 'plant-model.replaced',
      resource: 'plant',
      actor,
      atMs: nowMs,
      detail: { version: next.version, previousVersion: index.version },
    }),
    publishQueued(deps.publisher, pending, deps.warn),
  ]);
  return {
    view: { version: next.version, fromFile: false, model: next.model, links: [{ rel: 'self', href }] },
    etag: etagOf(next.version),
  };
}
