/**
 * The plants the simulator runs: a plant model file (plants/*.json, `npm start -- --plant <file>`), or a potline of
 * the documented base cell generated at any size for tests and benchmarks. The base cell's technology, rectifier and
 * limits come from plants/test-plant.json, so no design value of a cell lives in the simulator's code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlantIndex } from '../../shared/plant/plant-index.js';
import { parsePlantModel, PlantModelError } from '../../shared/plant/plant-model.js';
import type { PlantCell, PlantModel } from '../../shared/plant/schema.js';
import { tagResolverOf } from '../../shared/plant/tag-resolver.js';
import type { TagResolver } from '../../shared/telemetry/tag-resolution.js';
import { SimulatorError } from './errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shipped plants: the default local plant (two technologies) and the tests' plant (three base-cell lines). */
export const DEFAULT_PLANT_FILE = path.join(repoRoot, 'plants', 'two-technologies.json');
export const TEST_PLANT_FILE = path.join(repoRoot, 'plants', 'test-plant.json');

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

let testPlant: PlantModel | undefined;

/** The tests' plant (plants/test-plant.json: three lines L1–L3 of 100 base cells each), read once. */
export function readTestPlant(): PlantModel {
  return (testPlant ??= readPlantFile(TEST_PLANT_FILE));
}

/** The tag resolver ingestion would use for this plant (its equipment and tag maps). */
export function plantTagResolver(plant: PlantModel): TagResolver {
  return tagResolverOf(new PlantIndex(plant));
}

/**
 * A plant of `lines` lines of `cellsPerLine` cells of the documented base cell (the test plant's technology), each
 * line with the test plant's first line's rectifier, limits and tag map, in one potroom, cells in one row:
 * `L1-C001` …. The same arguments always give the same model.
 */
export function baseCellPlant(lines: number, cellsPerLine: number): PlantModel {
  const testPlant = readTestPlant();
  const area = testPlant.areas[0]!;
  const template = area.lines[0]!;
  const lineIds = Array.from({ length: lines }, (_, l) => `L${l + 1}`);
  return parsePlantModel({
    ...testPlant,
    $schema: undefined,
    site: {
      ...testPlant.site,
      name: `Generated: ${lines} line(s) × ${cellsPerLine} cells of the documented base cell`,
    },
    areas: [
      {
        ...area,
        lines: lineIds.map((lineId) => ({
          ...template,
          lineId,
          name: `Line ${lineId.slice(1)}`,
          cells: Array.from({ length: cellsPerLine }, (_, c): PlantCell => ({
            cellId: `${lineId}-C${String(c + 1).padStart(3, '0')}`,
            row: 1,
            column: c + 1,
            side: 'A',
          })),
        })),
      },
    ],
  });
}
