import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import type { EventsFor, Written } from '../messaging/outbox.js';
import { contentVersion } from '../plant/plant-index.js';
import { PlantModel } from '../plant/schema.js';
import { PLANT_OUTBOX_PARTITION, type PlantModelStore, type StoredPlantModel } from '../plant/store.js';
import { CosmosOutbox, type ChangeOperation } from './cosmos-outbox.js';
import { readItem } from './read-item.js';

/** Container and partition key (as declared in shared/azure/containers.ts). */
export const PLANT_MODELS_CONTAINER = 'plant-models';
export const PLANT_MODELS_PARTITION_KEY = '/partition';
/** Every document of the container is in this one logical partition (a few versions of a few hundred kB at most). */
const PARTITION = PLANT_OUTBOX_PARTITION;

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

/** Attempts of a replace that finds its new version stored by a concurrent writer between its read and its batch. */
const MAX_ATTEMPTS = 3;

/**
 * The plant model in Cosmos container `plant-models` (partition key /partition, one logical partition): one
 * immutable document per version (id = its content version) and the `current` pointer, replaced under If-Match in one
 * transactional batch with the new version's document (when new) and its `smelter.plant-model.changed` event (the
 * outbox). One partition is what lets the three be written atomically. Reads fail closed (read-item.ts).
 */
export class CosmosPlantModelStore implements PlantModelStore {
  private readonly outbox: CosmosOutbox;

  constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, PLANT_MODELS_PARTITION_KEY);
  }

  async current(): Promise<StoredPlantModel | undefined> {
    const pointer = await readItem<unknown>(this.container, 'current', PARTITION);
    return pointer ? this.byVersion(CurrentDoc.parse(pointer).version) : undefined;
  }

  async byVersion(version: string): Promise<StoredPlantModel | undefined> {
    const found = await readItem<unknown>(this.container, version, PARTITION);
    return found ? toStored(found) : undefined;
  }

  async replace(
    model: PlantModel,
    expectedVersion: string | undefined,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPlantModel>,
  ): Promise<WriteOutcome<Written<StoredPlantModel>>> {
    const version = contentVersion(model);
    const written: StoredPlantModel = { model, version, updatedAtMs: nowMs, updatedBy: actor.subject };
    for (let attempt = 1; ; attempt++) {
      const [raw, existing] = await Promise.all([
        readItem<unknown>(this.container, 'current', PARTITION),
        readItem<unknown>(this.container, version, PARTITION),
      ]);
      const pointer = raw ? CurrentDoc.parse(raw) : undefined;
      if (pointer?.version !== expectedVersion) return { ok: false, reason: 'version-mismatch' };
      const next = {
        id: 'current',
        partition: PARTITION,
        kind: 'plant-current',
        version,
        updatedAtMs: nowMs,
        updatedBy: actor.subject,
      };
      // The same content stored before (going back to an earlier version) is that version: only the pointer moves.
      const change: ChangeOperation[] = [
        ...(existing
          ? []
          : [
              {
                operationType: 'Create' as const,
                resourceBody: {
                  id: version,
                  partition: PARTITION,
                  kind: 'plant-version',
                  version,
                  model,
                  updatedAtMs: nowMs,
                  updatedBy: actor.subject,
                },
              },
            ]),
        pointer
          ? { operationType: 'Replace', id: 'current', resourceBody: next, ifMatch: pointer._etag }
          : { operationType: 'Create', resourceBody: next },
      ];
      const r = await this.outbox.write(PARTITION, change, events(written));
      if (r.ok) return { ok: true, value: { stored: existing ? toStored(existing) : written, pending: r.pending } };
      // A concurrent writer stored the same version between the read and the batch: read again, it exists now.
      const versionTaken = !existing && r.failedIndex === 0 && r.status === 409;
      if (!versionTaken || attempt >= MAX_ATTEMPTS) return { ok: false, reason: 'version-mismatch' };
    }
  }
}

function toStored(found: unknown): StoredPlantModel {
  const doc = VersionDoc.parse(found);
  return {
    model: PlantModel.parse(doc.model),
    version: doc.version,
    updatedAtMs: doc.updatedAtMs,
    updatedBy: doc.updatedBy,
  };
}
