/**
 * Where the plant model lives: versions are immutable (named by their content version), and one pointer says which
 * is current. A replace names the version it read (If-Match), so two engineers editing at once cannot silently
 * overwrite each other. Implementations: memory (below), Cosmos (shared/azure/cosmos-plant-store.ts).
 */
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import { MemoryOutbox, type EventsFor, type Written } from '../messaging/outbox.js';
import { contentVersion } from './plant-index.js';
import type { PlantModel } from './schema.js';

/** The one partition the plant model's events wait in: every version has a single history. */
export const PLANT_OUTBOX_PARTITION = 'plant-model';

export interface StoredPlantModel {
  model: PlantModel;
  /** The version's name (its content version); the API's ETag is this in quotes. */
  version: string;
  updatedAtMs: number;
  updatedBy: string;
}

export interface PlantModelStore {
  /** The model in force; undefined while none was ever stored. */
  current(): Promise<StoredPlantModel | undefined>;
  /** One version, current or earlier (a run finishes on the version it started with). */
  byVersion(version: string): Promise<StoredPlantModel | undefined>;
  /**
   * Makes `model` the current version if the current one is still `expectedVersion` (undefined: none stored);
   * `version-mismatch` otherwise. `events` (built from the version as this write makes it current: this actor, this
   * time) are queued in the outbox in the same atomic write as the pointer, and answered pending.
   */
  replace(
    model: PlantModel,
    expectedVersion: string | undefined,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPlantModel>,
  ): Promise<WriteOutcome<Written<StoredPlantModel>>>;
}

export class MemoryPlantModelStore implements PlantModelStore {
  readonly versions = new Map<string, StoredPlantModel>();
  currentVersion: string | undefined;

  constructor(readonly outbox = new MemoryOutbox('plant-models')) {}

  async current(): Promise<StoredPlantModel | undefined> {
    return this.currentVersion === undefined ? undefined : structuredClone(this.versions.get(this.currentVersion));
  }

  async byVersion(version: string): Promise<StoredPlantModel | undefined> {
    const v = this.versions.get(version);
    return v && structuredClone(v);
  }

  async replace(
    model: PlantModel,
    expectedVersion: string | undefined,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPlantModel>,
  ): Promise<WriteOutcome<Written<StoredPlantModel>>> {
    if (this.currentVersion !== expectedVersion) return { ok: false, reason: 'version-mismatch' };
    const written: StoredPlantModel = {
      model: structuredClone(model),
      version: contentVersion(model),
      updatedAtMs: nowMs,
      updatedBy: actor.subject,
    };
    const toQueue = events(structuredClone(written));
    // One synchronous step: the pointer and its events change together.
    if (!this.versions.has(written.version)) this.versions.set(written.version, written);
    this.currentVersion = written.version;
    const pending = this.outbox.queue(PLANT_OUTBOX_PARTITION, toQueue);
    return { ok: true, value: { stored: structuredClone(this.versions.get(written.version)!), pending } };
  }
}
