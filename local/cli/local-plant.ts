/**
 * The plant model the local tools (curate, report) read: the file PLANT_MODEL_FILE names (the environment, else
 * local.settings.json or its example), else the shipped two-technology plant. A model stored with PUT v1/plant lives
 * in the running app's Cosmos store and is not read here: the app's own hourly curation uses it.
 */
import path from 'node:path';
import { PlantIndex } from '../../shared/plant/plant-index.js';
import { localSettingsValues } from '../settings-defaults.js';
import { DEFAULT_PLANT_FILE, readPlantFile } from '../simulator/plant-file.js';

/** The local plant model file's path. */
export function localPlantFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.PLANT_MODEL_FILE || localSettingsValues().PLANT_MODEL_FILE || DEFAULT_PLANT_FILE);
}

/** The local plant model, indexed; throws SimulatorError naming the file and every problem when it is invalid. */
export function localPlant(env: NodeJS.ProcessEnv = process.env): PlantIndex {
  return new PlantIndex(readPlantFile(localPlantFile(env)));
}
