/**
 * The safety-envelope limits of one piece of equipment, taken from the plant model in force: each line has its own
 * (a 400 kA line's rectifier is not judged by a smaller line's rating). Fails closed: equipment the plant model does
 * not have, or a plant model that cannot be read, is a refusal, never a default.
 */
import type { EnvelopeLimits } from '../plant/envelope-limits.js';
import type { PlantIndex } from '../plant/plant-index.js';
import type { Violation } from './envelope.js';

/** The limits, or the violations that refuse any command to the equipment. */
export type LimitsOrRefusal = { limits: EnvelopeLimits } | { violations: Violation[] };

/** Looks up the limits of a piece of equipment (a cell, or a line's rectifier `<line>-LINE`). */
export type EquipmentLimits = (equipmentId: string) => Promise<LimitsOrRefusal>;

/** The plant model as the envelope reads it (PlantModelSource). */
export interface CurrentPlant {
  current(): Promise<PlantIndex>;
}

/** Limits from the plant model in force at each call (the source caches and refreshes it). */
export function limitsFromPlant(plant: CurrentPlant): EquipmentLimits {
  return async (equipmentId) => {
    let index: PlantIndex;
    try {
      index = await plant.current();
    } catch (e) {
      return {
        violations: [
          {
            rule: 'interlock-unverifiable',
            message: `the plant model could not be read for ${equipmentId} (${e instanceof Error ? e.message : String(e)}); without its limits nothing is sent`,
          },
        ],
      };
    }
    const limits = index.envelopeLimitsFor(equipmentId);
    if (limits) return { limits };
    return {
      violations: [
        {
          rule: 'unknown-equipment',
          message: `${equipmentId} is not equipment of plant model ${index.version}; a set point for it is never sent`,
        },
      ],
    };
  };
}
