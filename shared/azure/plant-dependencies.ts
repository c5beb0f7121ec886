/** The plant model wired to Cosmos (`plant-models`) and, while none is stored, the configured file. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settings } from '../config/settings.js';
import { parsePlantModel } from '../plant/plant-model.js';
import { PlantModelSource } from '../plant/source.js';
import { appContainer, once } from './composition-root.js';
import { CosmosPlantModelStore, PLANT_MODELS_CONTAINER, PLANT_MODELS_PARTITION_KEY } from './cosmos-plant-store.js';

/** The plant-model store (Cosmos `plant-models`). */
export const plantStoreFromSettings = once(
  async () => new CosmosPlantModelStore(await appContainer(PLANT_MODELS_CONTAINER, PLANT_MODELS_PARTITION_KEY)),
);

/** The process's plant-model source: one per process, so every function sees a new version within the refresh interval. */
export const plantSourceFromSettings = once(async () => {
  const s = settings();
  const file = s.PLANT_MODEL_FILE;
  return new PlantModelSource({
    store: await plantStoreFromSettings(),
    ...(file ? { fallback: () => parsePlantModel(JSON.parse(readFileSync(path.resolve(file), 'utf8'))) } : {}),
    refreshMs: s.PLANT_MODEL_REFRESH_S * 1000,
    clock: Date.now,
  });
});

/**
 * The plant model in force, for readers that must fail closed: a source that cannot be built (Cosmos unreachable at
 * start-up) fails each read instead of the function's start.
 */
export const currentPlantFromSettings = { current: async () => (await plantSourceFromSettings()).current() };
