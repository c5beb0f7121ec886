import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { EventsFor, QueuedWarning, Written } from '../messaging/outbox.js';
import { auditLogFromSettings, type CosmosAuditLog } from './cosmos-audit-log.js';
import { appContainer, eventPublisherFromSettings, once } from './composition-root.js';
import { modelIdOf, type ModelRepository, type StoredPdeModel } from '../models/repository.js';
import { type Actor } from '../kernel/audit-log.js';
import { type WriteOutcome } from '../kernel/write-outcome.js';
import { newRevision, revisionEtag, writeIfUnchanged } from './conditional-write.js';
import { CosmosOutbox } from './cosmos-outbox.js';
import type { PdeModelBody, PdeModelId } from '../models/schemas.js';
import { statusOf } from './open-container.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const PDE_MODELS_CONTAINER = 'pde-models';
const COUNTER_ID = 'pde-model-counter';
/** Optimistic-concurrency retries for the id counter; each retry means another writer won, so progress is made. */
const MAX_COUNTER_ATTEMPTS = 100;

const ModelDoc = z.object({
  id: z.string(),
  modelId: z.string(),
  kind: z.literal('pde-model'),
  seq: z.number().int(),
  modelName: z.string(),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()),
  status: z.literal('created'),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  createdBy: z.string(),
  updatedBy: z.string(),
  correlationId: z.string(),
  /** The version's own revision (its HTTP ETag); absent on documents written before revisions. */
  rev: z.string().optional(),
  _etag: z.string(),
});
type ModelDoc = z.infer<typeof ModelDoc>;
const CounterDoc = z.object({
  id: z.literal(COUNTER_ID),
  modelId: z.string(),
  next: z.number().int().min(1),
  _etag: z.string(),
});

function toStored(d: ModelDoc): StoredPdeModel {
  return {
    modelId: d.modelId,
    seq: d.seq,
    modelName: d.modelName,
    ...(d.description === undefined ? {} : { description: d.description }),
    parameters: d.parameters,
    status: d.status,
    createdAtMs: d.createdAtMs,
    updatedAtMs: d.updatedAtMs,
    createdBy: d.createdBy,
    updatedBy: d.updatedBy,
    etag: revisionEtag(d),
  };
}

/**
 * PDE models in Cosmos container `pde-models` (partition key /modelId), one document per model plus an id counter.
 * Every write runs with its `smelter.model.changed` event in one transactional batch (the outbox); the ETag is the
 * version's own revision, so the event can name it before the write.
 */
export class CosmosModelRepository implements ModelRepository {
  private readonly outbox: CosmosOutbox;

  constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, '/modelId');
  }

  async create(
    body: PdeModelBody,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPdeModel>,
  ): Promise<Written<StoredPdeModel>> {
    const seq = await this.allocateSeq();
    const modelId = modelIdOf(seq);
    const doc = {
      id: modelId,
      modelId,
      kind: 'pde-model' as const,
      seq,
      modelName: body.modelName,
      ...(body.description === undefined ? {} : { description: body.description }),
      parameters: body.parameters,
      status: 'created' as const,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      createdBy: actor.subject,
      updatedBy: actor.subject,
      correlationId: actor.correlationId,
      rev: newRevision(),
    };
    const stored = toStored({ ...doc, _etag: '' });
    const r = await this.outbox.write(modelId, [{ operationType: 'Create', resourceBody: doc }], events(stored));
    // The id came from the counter, so no one else holds it: a refusal here is a fault, not a race.
    if (!r.ok) throw new Error(`PDE model ${modelId} could not be created (${r.status}) although its id was allocated`);
    return { stored, pending: r.pending };
  }

  /** Next sequence number from a counter document updated under If-Match, so concurrent creates never share an id. */
  private async allocateSeq(): Promise<number> {
    const item = this.container.item(COUNTER_ID, COUNTER_ID);
    for (let attempt = 0; attempt < MAX_COUNTER_ATTEMPTS; attempt++) {
      const { resource } = await item.read();
      if (!resource) {
        try {
          await this.container.items.create({ id: COUNTER_ID, modelId: COUNTER_ID, kind: 'counter', next: 2 });
          return 1;
        } catch (err) {
          if (statusOf(err) === 409) continue;
          throw err;
        }
      }
      const counter = CounterDoc.parse(resource);
      try {
        await item.replace(
          { ...resource, next: counter.next + 1 },
          { accessCondition: { type: 'IfMatch', condition: counter._etag } },
        );
        return counter.next;
      } catch (err) {
        if (statusOf(err) === 412) continue;
        throw err;
      }
    }
    throw new Error(
      `Could not allocate a PDE model id after ${MAX_COUNTER_ATTEMPTS} attempts (heavy contention on the counter)`,
    );
  }

  private async readDoc(modelId: PdeModelId): Promise<ModelDoc | undefined> {
    const { resource } = await this.container.item(modelId, modelId).read();
    return resource ? ModelDoc.parse(resource) : undefined;
  }

  async get(modelId: PdeModelId): Promise<StoredPdeModel | undefined> {
    const d = await this.readDoc(modelId);
    return d && toStored(d);
  }

  async list(limit: number, afterSeq: number): Promise<{ items: StoredPdeModel[]; more: boolean }> {
    const { resources } = await this.container.items
      .query({
        query: 'SELECT TOP @n * FROM c WHERE c.kind = @kind AND c.seq > @after ORDER BY c.seq ASC',
        parameters: [
          { name: '@n', value: limit + 1 },
          { name: '@kind', value: 'pde-model' },
          { name: '@after', value: afterSeq },
        ],
      })
      .fetchAll();
    const docs = resources.map((r) => toStored(ModelDoc.parse(r)));
    return { items: docs.slice(0, limit), more: docs.length > limit };
  }

  async replace(
    modelId: PdeModelId,
    body: PdeModelBody,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPdeModel>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredPdeModel>>> {
    return writeIfUnchanged(
      ifMatch,
      () => this.readDoc(modelId),
      async (current) => {
        const { _etag, description: _old, ...kept } = current;
        const next = {
          ...kept,
          modelName: body.modelName,
          ...(body.description === undefined ? {} : { description: body.description }),
          parameters: body.parameters,
          updatedAtMs: nowMs,
          updatedBy: actor.subject,
          correlationId: actor.correlationId,
          rev: newRevision(),
        };
        const stored = toStored({ ...next, _etag: '' });
        const r = await this.outbox.write(
          modelId,
          [{ operationType: 'Replace', id: modelId, resourceBody: next, ifMatch: _etag }],
          events(stored),
        );
        return r.ok ? { ok: true, value: { stored, pending: r.pending } } : r;
      },
      revisionEtag,
    );
  }

  async remove(
    modelId: PdeModelId,
    nowMs: number,
    events: EventsFor<StoredPdeModel>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredPdeModel>>> {
    return writeIfUnchanged(
      ifMatch,
      () => this.readDoc(modelId),
      async (current) => {
        const stored = toStored(current);
        const r = await this.outbox.write(
          modelId,
          [{ operationType: 'Delete', id: modelId, ifMatch: current._etag }],
          events(stored),
        );
        return r.ok ? { ok: true, value: { stored, pending: r.pending } } : r;
      },
      revisionEtag,
    );
  }
}

export interface ModelStore {
  models: CosmosModelRepository;
  audit: CosmosAuditLog;
}

/**
 * The store and the plant-events publisher: what create, replace and delete need (they publish smelter.model.changed);
 * `warn` hears of an event the topic refused (queued for the outbox sweep).
 */
export async function modelWriteDepsFromSettings(
  warn?: QueuedWarning,
): Promise<ModelStore & { publisher: EventPublisher; warn?: QueuedWarning }> {
  const [store, publisher] = await Promise.all([modelStoreFromSettings(), eventPublisherFromSettings()]);
  return { ...store, publisher, ...(warn ? { warn } : {}) };
}

/** The process's model store (with the app's audit log), opened once and shared by every request. */
export const modelStoreFromSettings = once<ModelStore>(async () => {
  const [models, audit] = await Promise.all([appContainer(PDE_MODELS_CONTAINER, '/modelId'), auditLogFromSettings()]);
  return { models: new CosmosModelRepository(models), audit };
});
