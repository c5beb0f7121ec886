/**
 * Calibrates the reduced thermal model of predictSteadyState against the 2D coupled model's steady base state.
 * Costs one 2D steady solve (seconds); the result is cached per design object.
 */
import { CoupledCell } from './coupled.js';
import { BASE_STATE, type CellDesign, type CellState } from './design.js';
import { reducedModelCache, reducedModelFromBase, type ReducedThermalModel } from './predictor.js';

export function calibrateReducedModel(design: CellDesign, state: CellState = BASE_STATE): ReducedThermalModel {
  const cell = new CoupledCell(state, state.setPoints, { design });
  const v = cell.voltage();
  const q = cell.applySources(v);
  const m = reducedModelFromBase(design, state, {
    bathTempC: cell.bathTempC(),
    ledgeThicknessM: cell.ledgeThicknessM(),
    frozenMassKg: cell.frozenMassKg(),
    heatGeneratedW: q.electrolyteW + q.anodeW + q.cathodeW,
  });
  reducedModelCache.set(design, m);
  return m;
}
