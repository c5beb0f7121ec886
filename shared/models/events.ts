/**
 * `smelter.model.changed`: every create, replace and delete of a PDE model configuration, published so the ledger
 * writer audits it (issue 6: a ledger entry for every model configuration change). `data` holds the version written
 * (or, for a delete, the version removed), so the ledger's lake payload is the configuration as it was.
 */
import { z } from 'zod';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import type { StoredPdeModel } from './repository.js';

export const PdeModelChange = z.enum(['created', 'replaced', 'deleted']);
export type PdeModelChange = z.infer<typeof PdeModelChange>;

export const PdeModelChangedData = z
  .object({
    change: PdeModelChange,
    modelId: z.string(),
    modelName: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()),
    /** ETag of the version written, or of the version deleted. */
    etag: z.string(),
    /** Token subject of who made the change, and the request's correlation id. */
    changedBy: z.string(),
    correlationId: z.string(),
    atMs: z.number().int(),
  })
  .strict();
export type PdeModelChangedData = z.infer<typeof PdeModelChangedData>;

/** Producer of model events (CloudEvents `source`). */
export const MODEL_EVENT_SOURCE = '/functions/api/pde-models';

/**
 * The event of one change. Its id is derived from the model id, the change and the ETag: the same change re-sent is
 * the same event (dropped by duplicate detection and by the ledger), and a delete is never mistaken for the write
 * whose version it removed.
 */
export function modelChangedEvent(
  change: PdeModelChange,
  model: StoredPdeModel,
  actor: { subject: string; correlationId: string },
  atMs: number,
): PlantEvent {
  const data = PdeModelChangedData.parse({
    change,
    modelId: model.modelId,
    modelName: model.modelName,
    ...(model.description === undefined ? {} : { description: model.description }),
    parameters: model.parameters,
    etag: model.etag,
    changedBy: actor.subject,
    correlationId: actor.correlationId,
    atMs,
  });
  return cloudEvent(PlantEventType.modelChanged, model.modelId, data, {
    id: `${model.modelId}/${change}/${model.etag}`,
    source: MODEL_EVENT_SOURCE,
    correlationId: actor.correlationId,
    time: new Date(atMs),
  });
}
