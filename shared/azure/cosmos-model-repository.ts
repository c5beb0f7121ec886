import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { auditLogFromSettings, type CosmosAuditLog } from './cosmos-audit-log.js';
import { appContainer, eventPublisherFromSettings, once } from './composition-root.js';
import { modelIdOf, type ModelRepository, type StoredPdeModel } from '../models/repository.js';
import { type Actor } from '../kernel/audit-log.js';
import { type WriteOutcome } from '../kernel/write-outcome.js';
import { writeIfUnchanged } from './conditional-write.js';
import type { PdeModelBody, PdeModelId } from '../models/schemas.js';
import { httpEtag, statusOf } from './open-container.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const PDE_MODELS_CONTAINER = 'pde-models';
const COUNTER_ID = 'pde-model-counter';
/** Optimistic-concurrency retries for the id counter; each retry means another writer won, so progress is made. */
const MAX_COUNTER_ATTEMPTS = 100;
/** Read-and-replace attempts of a write without If-Match (last writer wins) when other writers keep getting in between. */

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
    etag: httpEtag(d._etag),
  };
}

/** PDE models in Cosmos container `pde-models` (partition key /modelId), one document per model plus an id counter. */
export class CosmosModelRepository implements ModelRepository {
  constructor(private readonly container: Container) {}

  async create(body: PdeModelBody, actor: Actor, nowMs: number): Promise<StoredPdeModel> {
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
    };
    const { resource } = await this.container.items.create(doc);
    return toStored(ModelDoc.parse(resource));
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
    ifMatch?: string,
  ): Promise<WriteOutcome<StoredPdeModel>> {
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
        };
        const { resource } = await this.container
          .item(modelId, modelId)
          .replace(next, { accessCondition: { type: 'IfMatch', condition: _etag } });
        return toStored(ModelDoc.parse(resource));
      },
    );
  }

  async remove(modelId: PdeModelId, ifMatch?: string): Promise<WriteOutcome<StoredPdeModel>> {
    return writeIfUnchanged(
      ifMatch,
      () => this.readDoc(modelId),
      async (current) => {
        await this.container
          .item(modelId, modelId)
          .delete({ accessCondition: { type: 'IfMatch', condition: current._etag } });
        return toStored(current);
      },
    );
  }
}

export interface ModelStore {
  models: CosmosModelRepository;
  audit: CosmosAuditLog;
}

/** The store and the plant-events publisher: what create, replace and delete need (they publish smelter.model.changed). */
export async function modelWriteDepsFromSettings(): Promise<ModelStore & { publisher: EventPublisher }> {
  const [store, publisher] = await Promise.all([modelStoreFromSettings(), eventPublisherFromSettings()]);
  return { ...store, publisher };
}

/** The process's model store (with the app's audit log), opened once and shared by every request. */
export const modelStoreFromSettings = once<ModelStore>(async () => {
  const [models, audit] = await Promise.all([appContainer(PDE_MODELS_CONTAINER, '/modelId'), auditLogFromSettings()]);
  return { models: new CosmosModelRepository(models), audit };
});
