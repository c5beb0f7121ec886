/**
 * The plant model as every function reads it: the stored current version, checked again at most every
 * `refreshMs` (a new version is picked up without a restart), or, while none is stored, the model of the configured
 * file. Without either there is no plant: reads fail with ERR-PLANT-MODEL-MISSING, and everything that depends on the
 * model refuses to act (the envelope included).
 */
import { DomainError } from '../kernel/errors.js';
import { contentVersion, PlantIndex } from './plant-index.js';
import type { PlantModel } from './schema.js';
import type { PlantModelStore } from './store.js';

export class PlantModelMissingError extends DomainError {
  constructor(detail: string) {
    super(
      'unavailable',
      'ERR-PLANT-MODEL-MISSING',
      `No plant model: ${detail}. PUT one to v1/plant, or set PLANT_MODEL_FILE (locally).`,
      'plant',
    );
  }
}

export interface PlantSourceDeps {
  store: PlantModelStore;
  /** The model used while none is stored (the PLANT_MODEL_FILE setting), if any. */
  fallback?: () => PlantModel;
  /** How long a read of the current version is reused, ms. */
  refreshMs: number;
  /** Epoch ms now. */
  clock: () => number;
}

export class PlantModelSource {
  #cached: { index: PlantIndex; readAtMs: number } | undefined;
  readonly #byVersion = new Map<string, PlantIndex>();
  #fallback: PlantIndex | undefined;

  constructor(private readonly deps: PlantSourceDeps) {}

  /** The model in force now (re-read when the last read is older than refreshMs). */
  async current(): Promise<PlantIndex> {
    const nowMs = this.deps.clock();
    if (this.#cached && nowMs - this.#cached.readAtMs < this.deps.refreshMs) return this.#cached.index;
    const stored = await this.deps.store.current();
    const index = stored ? this.indexOf(stored.model, stored.version) : this.fallbackIndex();
    this.#cached = { index, readAtMs: nowMs };
    return index;
  }

  /** The version a run started on, whatever is current now. */
  async at(version: string): Promise<PlantIndex> {
    const known = this.#byVersion.get(version);
    if (known) return known;
    const fallback = this.deps.fallback ? this.fallbackIndex() : undefined;
    if (fallback?.version === version) return fallback;
    const stored = await this.deps.store.byVersion(version);
    if (!stored) throw new PlantModelMissingError(`version ${version} is not stored`);
    return this.indexOf(stored.model, stored.version);
  }

  /** Forgets the cached current version (after a replace in this process). */
  invalidate(): void {
    this.#cached = undefined;
  }

  private indexOf(model: PlantModel, version: string): PlantIndex {
    let index = this.#byVersion.get(version);
    if (!index) this.#byVersion.set(version, (index = new PlantIndex(model, version)));
    return index;
  }

  private fallbackIndex(): PlantIndex {
    if (!this.deps.fallback) throw new PlantModelMissingError('none is stored and no PLANT_MODEL_FILE is set');
    if (!this.#fallback) {
      const model = this.deps.fallback();
      this.#fallback = this.indexOf(model, contentVersion(model));
    }
    return this.#fallback;
  }
}
