/**
 * The simulator's bridge to the shared cell model: builds the cellVoltageBreakdown input from a cell's state,
 * keeping every field inside the model's valid ranges (a simulated excursion must not stop the plant).
 */
import {
  cellVoltageBreakdown,
  type CellVoltageBreakdown,
  type CellVoltageInput,
} from '../../shared/physics/electrochemistry/cell-voltage.js';

export type { CellVoltageInput };

/** Valid window of the bath correlations in shared/physics (BATH_RANGES.bathTempC), °C. */
const MODEL_BATH_TEMP_RANGE_C = [900, 1100] as const;
/** ACD window of the breakdown (CELL_VOLTAGE_RANGES.acdCm), cm. */
const MODEL_ACD_RANGE_CM = [0.5, 10] as const;

/** Voltage breakdown for a cell state, with inputs clamped to the model's validity so it never throws on a transient. */
export function evaluateCellVoltage(input: CellVoltageInput): CellVoltageBreakdown {
  return cellVoltageBreakdown({
    ...input,
    bathTempC: clamp(input.bathTempC, MODEL_BATH_TEMP_RANGE_C[0], MODEL_BATH_TEMP_RANGE_C[1]),
    acdCm: clamp(input.acdCm, MODEL_ACD_RANGE_CM[0], MODEL_ACD_RANGE_CM[1]),
    // Below C_AE the model evaluates at C_AE anyway; keep the value positive for the exchange-current term.
    bath: { ...input.bath, aluminaPct: Math.max(input.bath.aluminaPct, 0.05) },
  });
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
