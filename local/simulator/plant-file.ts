/**
 * The plants the simulator runs: a plant model file (plants/*.json, `npm start -- --plant <file>`), or a potline of
 * the documented base cell generated at any size for tests and benchmarks (its technology, rectifier and limits come
 * from plants/test-plant.json), so no design value of a cell lives in the simulator's code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlantIndex } from '../../shared/plant/plant-index.js';
import { parsePlantModel, PlantModelError } from '../../shared/plant/plant-model.js';
import type { PlantModel } from '../../shared/plant/schema.js';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { tagResolverOf } from '../../shared/plant/tag-resolver.js';
import type { TagResolver } from '../../shared/telemetry/tag-resolution.js';
import { SimulatorError } from './errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The default local plant (two technologies), as local.settings.example.json's PLANT_MODEL_FILE names it. */
export const DEFAULT_PLANT_FILE = path.join(repoRoot, 'plants', 'two-technologies.json');

/** Reads and validates a plant model file; throws SimulatorError naming the file and every problem's path. */
export function readPlantFile(file: string): PlantModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SimulatorError('SIM-CONFIG', 'plant', `Cannot read the plant model ${file}: ${(error as Error).message}`);
  }
  try {
    return parsePlantModel(json);
  } catch (error) {
    if (!(error instanceof PlantModelError)) throw error;
    throw new SimulatorError(
      'SIM-CONFIG',
      'plant',
      `The plant model ${file} is invalid: ${error.problems.join('; ')} (npm run plant -- check ${file})`,
    );
  }
}

/** The tag resolver ingestion would use for this plant (its equipment and tag maps). */
export function plantTagResolver(plant: PlantModel): TagResolver {
  return tagResolverOf(new PlantIndex(plant));
}

/**
 * A plant of `lines` lines (L1, L2, …) of `cellsPerLine` cells of the documented base cell (the test plant's
 * technology, rectifier, limits and tag map): `L1-C001` …. The same arguments always give the same model.
 */
export function baseCellPlant(lines: number, cellsPerLine: number): PlantModel {
  return testPlantWith(Object.fromEntries(Array.from({ length: lines }, (_, l) => [`L${l + 1}`, cellsPerLine])));
}
