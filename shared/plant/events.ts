import { z } from 'zod';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import type { StoredPlantModel } from './store.js';

/** CloudEvents `source` of plant-model changes made through the API. */
export const PLANT_MODEL_SOURCE = '/functions/plant';

/**
 * `data` of `smelter.plant-model.changed`: which version replaced which, by whom, and what it holds. The version is
 * the SHA-256 of the model's content, so the ledger entry proves which model was in force.
 */
export const PlantModelChangedData = z.object({
  version: z.string(),
  previousVersion: z.string().optional(),
  changedBy: z.string(),
  changedAtMs: z.number(),
  site: z.string(),
  lines: z.array(z.object({ lineId: z.string(), technology: z.string(), cells: z.number().int() })),
});
export type PlantModelChangedData = z.infer<typeof PlantModelChangedData>;

/** The event of a new plant-model version; its id is fixed by the version, so a re-sent change is one event. */
export function plantModelChangedEvent(
  stored: StoredPlantModel,
  previousVersion: string | undefined,
  correlationId: string,
): PlantEvent {
  const data: PlantModelChangedData = {
    version: stored.version,
    ...(previousVersion ? { previousVersion } : {}),
    changedBy: stored.updatedBy,
    changedAtMs: stored.updatedAtMs,
    site: stored.model.site.id,
    lines: stored.model.areas.flatMap((a) =>
      a.lines.map((l) => ({ lineId: l.lineId, technology: l.technology, cells: l.cells.length })),
    ),
  };
  return cloudEvent(PlantEventType.plantModelChanged, stored.model.site.id, data, {
    id: `${previousVersion ?? 'none'}->${stored.version}`,
    source: PLANT_MODEL_SOURCE,
    correlationId,
    time: new Date(stored.updatedAtMs),
  });
}
