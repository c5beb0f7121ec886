/**
 * The test plant (plants/test-plant.json: lines L1–L3 of 100 cells of PHYSICS.md's base cell each) for the tests of every
 * domain that reads the plant model. Not used by the app.
 */
import { readFileSync } from 'node:fs';
import type { EnvelopeLimits } from './envelope-limits.js';
import { PlantIndex } from './plant-index.js';
import { parsePlantModel } from './plant-model.js';
import type { PlantModel } from './schema.js';

export const TEST_PLANT_PATH = new URL('../../plants/test-plant.json', import.meta.url);

/** The test plant, indexed. */
export const TEST_PLANT: PlantIndex = new PlantIndex(
  parsePlantModel(JSON.parse(readFileSync(TEST_PLANT_PATH, 'utf8'))),
);

/** The safety envelope of the test plant's lines (all three share it). */
export const TEST_ENVELOPE_LIMITS: EnvelopeLimits = TEST_PLANT.line('L1')!.line.envelope;

/**
 * A plant of the test plant's base cell with the given lines and cell counts, e.g. `{ L24: 24, L300: 300 }`: line
 * L24 with cells L24-C001…L24-C024 (the simulator's ids), half on each side of the potroom.
 */
export function testPlantWith(lines: Readonly<Record<string, number>>): PlantModel {
  const template = TEST_PLANT.model.areas[0]!.lines[0]!;
  return parsePlantModel({
    ...TEST_PLANT.model,
    areas: [
      {
        ...TEST_PLANT.model.areas[0]!,
        lines: Object.entries(lines).map(([lineId, count]) => ({
          ...template,
          lineId,
          name: `Line ${lineId}`,
          cells: Array.from({ length: count }, (_, i) => {
            const half = Math.ceil(count / 2);
            return {
              cellId: `${lineId}-C${String(i + 1).padStart(3, '0')}`,
              row: 1,
              column: i < half ? i + 1 : i - half + 1,
              side: i < half ? 'A' : 'B',
            };
          }),
        })),
      },
    ],
  });
}
