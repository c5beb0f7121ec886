import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import { contentVersion } from '../plant/plant-index.js';
import { PlantModel } from '../plant/schema.js';
import type { PlantModelStore, StoredPlantModel } from '../plant/store.js';
import { statusOf } from './open-container.js';
import { readItem } from './read-item.js';

/** Container and partition key (as declared in shared/azure/containers.ts). */
export const PLANT_MODELS_CONTAINER = 'plant-models';

const VersionDoc = z.object({
  id: z.string(),
  kind: z.literal('plant-version'),
  version: z.string(),
  model: z.unknown(),
  updatedAtMs: z.number(),
  updatedBy: z.string(),
});
const CurrentDoc = z.object({
  id: z.literal('current'),
  kind: z.literal('plant-current'),
  version: z.string(),
  _etag: z.string(),
});

/**
 * The plant model in Cosmos container `plant-models` (partition key /id): one immutable document per version (id =
 * its content version) and the `current` pointer, replaced under If-Match. Reads fail closed (read-item.ts).
 */
export class CosmosPlantModelStore implements PlantModelStore {
  constructor(private readonly container: Container) {}

  async current(): Promise<StoredPlantModel | undefined> {
    const pointer = await readItem<unknown>(this.container, 'current', 'current');
    return pointer ? this.byVersion(CurrentDoc.parse(pointer).version) : undefined;
  }

  async byVersion(version: string): Promise<StoredPlantModel | undefined> {
    const found = await readItem<unknown>(this.container, version, version);
    if (!found) return undefined;
    const doc = VersionDoc.parse(found);
    return {
      model: PlantModel.parse(doc.model),
      version: doc.version,
      updatedAtMs: doc.updatedAtMs,
      updatedBy: doc.updatedBy,
    };
  }

  async replace(
    model: PlantModel,
    expectedVersion: string | undefined,
    actor: Actor,
    nowMs: number,
  ): Promise<WriteOutcome<StoredPlantModel>> {
    const raw = await readItem<unknown>(this.container, 'current', 'current');
    const pointer = raw ? CurrentDoc.parse(raw) : undefined;
    if (pointer?.version !== expectedVersion) return { ok: false, reason: 'version-mismatch' };
    const version = contentVersion(model);
    try {
      await this.container.items.create({
        id: version,
        kind: 'plant-version',
        version,
        model,
        updatedAtMs: nowMs,
        updatedBy: actor.subject,
      });
    } catch (e) {
      // The same content stored before (a repeat, or going back to an earlier version): it is that version.
      if (statusOf(e) !== 409) throw e;
    }
    const next = { id: 'current', kind: 'plant-current', version, updatedAtMs: nowMs, updatedBy: actor.subject };
    try {
      if (pointer)
        await this.container
          .item('current', 'current')
          .replace(next, { accessCondition: { type: 'IfMatch', condition: pointer._etag } });
      else await this.container.items.create(next);
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 409) return { ok: false, reason: 'version-mismatch' };
      throw e;
    }
    const stored = await this.byVersion(version);
    return { ok: true, value: stored! };
  }
}
