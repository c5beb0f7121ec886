/**
 * A cell technology in the optimiser's terms (shared/optimize CellDesign) and the bath chemistry and current
 * efficiency a run assumes for its cells where nothing measures them.
 */
import { CellDesign } from '../optimize/schema.js';
import type { CellTechnology } from './schema.js';

/** The optimiser's design data of a cell of this technology. */
export function optimiserDesignOf(t: CellTechnology): CellDesign {
  return CellDesign.parse({
    anodeAreaCm2: t.anodes.count * t.anodes.lengthM * t.anodes.widthM * 1e4,
    anodeCount: t.anodes.count,
    fanningFactor: t.fanningFactor,
    cathodeAreaCm2: t.cathodeAreaM2 * 1e4,
    anodeResistanceMicroOhm: t.resistancesMicroOhm.anode,
    cathodeResistanceMicroOhm: t.resistancesMicroOhm.cathode,
    externalResistanceMicroOhm: t.resistancesMicroOhm.external,
    ledgeAreaM2: t.ledgeAreaM2,
    shotMassKg: t.shotMassKg,
  });
}

/** What a run assumes of a cell of this technology where no sensor says otherwise. */
export interface AssumedCellOperation {
  design: CellDesign;
  bath: CellTechnology['bath'];
  currentEfficiency: number;
  alf3AdditionKgPerDay: number;
}

export function assumedOperationOf(t: CellTechnology): AssumedCellOperation {
  return {
    design: optimiserDesignOf(t),
    bath: t.bath,
    currentEfficiency: t.currentEfficiency,
    alf3AdditionKgPerDay: t.alf3AdditionKgPerDay,
  };
}
