/**
 * Per-cell linearisation of the steady prediction: value and Jacobian with respect to the cell's own set points
 * and the line current, by forward differences of the full steady model. Pure, so the orchestration can fan it
 * out cell by cell.
 */
import { PhysicsError } from '../physics/errors.js';
import { predictCell, type CellModel, type CellPrediction, type CellSetPoints } from './steady-state.js';

/** Outputs the optimiser constrains or sums, in Jacobian row order. */
export const OUTPUT_KEYS = [
  'cellVoltageV',
  'bathTempC',
  'superheatK',
  'ledgeThicknessCm',
  'currentEfficiency',
  'anodeEffectsPerCellDay',
  'productionKgPerDay',
  'energyKWhPerDay',
  'processCO2eKgPerDay',
] as const satisfies readonly (keyof CellPrediction)[];
export type OutputKey = (typeof OUTPUT_KEYS)[number];

/** Inputs in Jacobian column order. */
export const INPUT_KEYS = ['acdCm', 'aluminaTargetPct', 'alf3TargetPct', 'lineCurrentKA'] as const;
export type InputKey = (typeof INPUT_KEYS)[number];

/**
 * Forward-difference steps, in each input's unit: small against a run's step limits (≥ 0.05) and large against
 * the steady solve's 1e-9 K tolerance, so truncation and solve noise both stay below 1e-4 relative.
 */
export const FD_STEP = { acdCm: 1e-4, aluminaTargetPct: 1e-4, alf3TargetPct: 1e-4, lineCurrentKA: 1e-3 } as const;

export interface CellLinearization {
  at: CellPrediction;
  /** ∂output/∂input, row-major: jacobian[o * INPUT_KEYS.length + i]. */
  jacobian: Float64Array;
}

/** Linearises one cell at (sp, lineCurrentKA); `cellInputsFixed` skips the set-point columns (cell in manual). */
export function linearizeCell(
  model: CellModel,
  sp: CellSetPoints,
  lineCurrentKA: number,
  cellInputsFixed = false,
): CellLinearization {
  const at = predictCell(model, sp, lineCurrentKA);
  const nIn = INPUT_KEYS.length;
  const jacobian = new Float64Array(OUTPUT_KEYS.length * nIn);
  const moved = (key: InputKey, h: number) =>
    key === 'lineCurrentKA'
      ? predictCell(model, sp, lineCurrentKA + h)
      : predictCell(model, { ...sp, [key]: sp[key] + h }, lineCurrentKA);
  INPUT_KEYS.forEach((key, i) => {
    if (cellInputsFixed && key !== 'lineCurrentKA') return;
    // Forward difference; a backward one where the forward step leaves the model's validity (e.g. at a freeze limit).
    let h: number = FD_STEP[key];
    let next: CellPrediction;
    try {
      next = moved(key, h);
    } catch (err) {
      if (!(err instanceof PhysicsError)) throw err;
      h = -h;
      next = moved(key, h);
    }
    OUTPUT_KEYS.forEach((out, o) => {
      jacobian[o * nIn + i] = (next[out] - at[out]) / h;
    });
  });
  return { at, jacobian };
}
