import { ApiError } from '../http/errors.js';
import { decodeCursor, encodeCursor, type PageQuery } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import { z } from 'zod';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { publishQueued, type QueuedEvent, type QueuedWarning } from '../messaging/outbox.js';
import { modelChangedEvent, type PdeModelChange } from '../models/events.js';
import type { ModelRepository, StoredPdeModel } from '../models/repository.js';
import type { Actor, AuditEntry, AuditLog } from '../kernel/audit-log.js';
import type { PdeModelBody, PdeModelId } from '../models/schemas.js';
import type { PdeModel, PdeModelCreated, PdeModelPage } from './pde-model-schemas.js';

export interface ModelDeps {
  models: ModelRepository;
  audit: AuditLog;
  nowMs?: () => number;
}

/**
 * What a write needs besides the store: the publisher that takes `smelter.model.changed` to the ledger. The event is
 * queued with the change in the store (the outbox) and published right after; `warn` hears when the topic refused
 * it and the outbox sweep will send it.
 */
export interface ModelWriteDeps extends ModelDeps {
  publisher: EventPublisher;
  warn?: QueuedWarning;
}

const RESOURCE = 'pde-models';
const selfHref = (modelId: string) => v1Path(`${RESOURCE}/${modelId}`);
const Cursor = z.object({ afterSeq: z.number().int().min(0) });

const notFound = (modelId: string) =>
  new ApiError('notFound', `PDE model ${modelId} does not exist; list ${v1Path(RESOURCE)} for the models there are.`, [
    { field: 'path.modelId', issue: 'not found' },
  ]);
const mismatch = (modelId: string) =>
  new ApiError(
    'preconditionFailed',
    `PDE model ${modelId} has changed since the ETag you sent; read it again and retry with its current ETag.`,
    [{ field: 'header.if-match', issue: 'does not match the current ETag' }],
  );

/** The API view of a stored model. */
export function toPdeModel(m: StoredPdeModel): PdeModel {
  return {
    modelId: m.modelId,
    modelName: m.modelName,
    ...(m.description === undefined ? {} : { description: m.description }),
    parameters: m.parameters,
    status: m.status,
    creationTimestamp: new Date(m.createdAtMs).toISOString(),
    lastModifiedTimestamp: new Date(m.updatedAtMs).toISOString(),
    createdBy: m.createdBy,
    lastModifiedBy: m.updatedBy,
    links: [{ rel: 'self', href: selfHref(m.modelId) }],
  };
}

/** Creates a model, records who did it, and answers the plant's 201 shape with the model's ETag and location. */
export async function createModel(
  deps: ModelWriteDeps,
  body: PdeModelBody,
  actor: Actor,
): Promise<{ created: PdeModelCreated; etag: string; location: string }> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const { stored: m, pending } = await deps.models.create(body, actor, nowMs, eventsOf('created', actor, nowMs));
  await recordAndPublish(deps, pending, {
    action: 'pde-model.created',
    resource: `${RESOURCE}/${m.modelId}`,
    actor,
    atMs: nowMs,
    detail: { modelName: m.modelName, etag: m.etag, ledgerEventId: modelChangedEvent('created', m, actor, nowMs).id },
  });
  const created: PdeModelCreated = {
    modelId: m.modelId,
    modelName: m.modelName,
    status: m.status,
    creationTimestamp: new Date(m.createdAtMs).toISOString(),
    links: [{ rel: 'self', href: selfHref(m.modelId) }],
  };
  return { created, etag: m.etag, location: selfHref(m.modelId) };
}

/** One model and its ETag, or 404 ERR-4042. */
export async function getModel(deps: ModelDeps, modelId: PdeModelId): Promise<{ model: PdeModel; etag: string }> {
  const m = await deps.models.get(modelId);
  if (!m) throw notFound(modelId);
  return { model: toPdeModel(m), etag: m.etag };
}

/** A page of models in id order; the continuation token is opaque and rejected (400) when it is not ours. */
export async function listModels(deps: ModelDeps, page: PageQuery): Promise<PdeModelPage> {
  let afterSeq = 0;
  if (page.continuationToken) {
    const cursor = decodeCursor(page.continuationToken, Cursor);
    if (!cursor)
      throw new ApiError('invalidInput', 'continuationToken is not one this API issued; start again without it.', [
        { field: 'query.continuationToken', issue: 'unknown token' },
      ]);
    afterSeq = cursor.afterSeq;
  }
  const { items, more } = await deps.models.list(page.pageSize, afterSeq);
  const last = items.at(-1);
  const continuationToken = more && last ? encodeCursor({ afterSeq: last.seq }) : undefined;
  const base = v1Path(RESOURCE);
  const links = [
    {
      rel: 'self',
      href: `${base}?pageSize=${page.pageSize}${page.continuationToken ? `&continuationToken=${page.continuationToken}` : ''}`,
    },
  ];
  if (continuationToken)
    links.push({ rel: 'next', href: `${base}?pageSize=${page.pageSize}&continuationToken=${continuationToken}` });
  return { items: items.map(toPdeModel), ...(continuationToken ? { continuationToken } : {}), links };
}

/** The ledger event of a change, built from the version the store writes (or deletes). */
const eventsOf = (change: PdeModelChange, actor: Actor, nowMs: number) => (m: StoredPdeModel) => [
  modelChangedEvent(change, m, actor, nowMs),
];

/**
 * Records the stored change in the audit log and publishes its queued ledger event side by side (both follow the
 * stored change and neither needs the other). Publishing never fails the request: the event is in the outbox with
 * the change, and the sweep sends it if the topic refuses it now. An audit failure is reported: a change must never
 * look recorded when it is not.
 */
async function recordAndPublish(
  deps: ModelWriteDeps,
  pending: readonly QueuedEvent[],
  entry: AuditEntry,
): Promise<void> {
  await Promise.all([deps.audit.record(entry), publishQueued(deps.publisher, pending, deps.warn)]);
}

/** Replaces a model when If-Match admits its current ETag (412 ERR-4121 otherwise) and records the change. */
export async function replaceModel(
  deps: ModelWriteDeps,
  modelId: PdeModelId,
  body: PdeModelBody,
  actor: Actor,
  ifMatch?: string,
): Promise<{ model: PdeModel; etag: string }> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const r = await deps.models.replace(modelId, body, actor, nowMs, eventsOf('replaced', actor, nowMs), ifMatch);
  if (!r.ok) throw r.reason === 'not-found' ? notFound(modelId) : mismatch(modelId);
  const { stored: m, pending } = r.value;
  await recordAndPublish(deps, pending, {
    action: 'pde-model.replaced',
    resource: `${RESOURCE}/${modelId}`,
    actor,
    atMs: nowMs,
    detail: { modelName: m.modelName, etag: m.etag, ledgerEventId: modelChangedEvent('replaced', m, actor, nowMs).id },
  });
  return { model: toPdeModel(m), etag: m.etag };
}

/** Deletes a model (its id is not reused) when If-Match admits it, and records the deletion. */
export async function deleteModel(
  deps: ModelWriteDeps,
  modelId: PdeModelId,
  actor: Actor,
  ifMatch?: string,
): Promise<void> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const r = await deps.models.remove(modelId, nowMs, eventsOf('deleted', actor, nowMs), ifMatch);
  if (!r.ok) throw r.reason === 'not-found' ? notFound(modelId) : mismatch(modelId);
  const { stored: m, pending } = r.value;
  await recordAndPublish(deps, pending, {
    action: 'pde-model.deleted',
    resource: `${RESOURCE}/${modelId}`,
    actor,
    atMs: nowMs,
    detail: { etag: m.etag, ledgerEventId: modelChangedEvent('deleted', m, actor, nowMs).id },
  });
}
