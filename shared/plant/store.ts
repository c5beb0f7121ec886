/**
 * Where the plant model lives: versions are immutable (named by their content version), and one pointer says which
 * is current. A replace names the version it read (If-Match), so two engineers editing at once cannot silently
 * overwrite each other. Implementations: memory (below), Cosmos (shared/azure/cosmos-plant-store.ts).
 */
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import { contentVersion } from './plant-index.js';
import type { PlantModel } from './schema.js';

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
   * `version-mismatch` otherwise.
   */
  replace(
    model: PlantModel,
    expectedVersion: string | undefined,
    actor: Actor,
    nowMs: number,
  ): Promise<WriteOutcome<StoredPlantModel>>;
}

export class MemoryPlantModelStore implements PlantModelStore {
  readonly versions = new Map<string, StoredPlantModel>();
  currentVersion: string | undefined;

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
  ): Promise<WriteOutcome<StoredPlantModel>> {
    if (this.currentVersion !== expectedVersion) return { ok: false, reason: 'version-mismatch' };
    const stored: StoredPlantModel = {
      model: structuredClone(model),
      version: contentVersion(model),
      updatedAtMs: nowMs,
      updatedBy: actor.subject,
    };
    if (!this.versions.has(stored.version)) this.versions.set(stored.version, stored);
    this.currentVersion = stored.version;
    return { ok: true, value: structuredClone(this.versions.get(stored.version)!) };
  }
}
