/**
 * PHYSICS.md's documented base cell as a valid cellVoltageBreakdown input: 126 kA, 20 anodes,
 * A_anode = 104652 cm², f = 1.1382, A_cathode = 115348 cm², R_anode/R_cathode/R_external = 3.02/2.15/2.01 µΩ,
 * bath 963 °C, AlF3 12, CaF2 4.1, MgF2 0.25, LiF 0 wt %, ACD 2.9 cm; alumina 2.5 wt % (a typical operating value)
 * and C_AE 1.8 wt % (PHYSICS.md). The process constants that are not voltage-breakdown inputs are in BASE_PROCESS.
 */
import type { CellVoltageInput } from './cell-voltage.js';

export const BASE_CELL: Readonly<CellVoltageInput> = Object.freeze({
  lineCurrentKA: 126,
  acdCm: 2.9,
  bathTempC: 963,
  bath: Object.freeze({ aluminaPct: 2.5, alf3Pct: 12, caf2Pct: 4.1, mgf2Pct: 0.25, lifPct: 0 }),
  geometry: Object.freeze({ anodeAreaCm2: 104652, anodeCount: 20, fanningFactor: 1.1382, cathodeAreaCm2: 115348 }),
  resistancesMicroOhm: Object.freeze({ anode: 3.02, cathode: 2.15, external: 2.01 }),
  aluminaAtAnodeEffectPct: 1.8,
}) as Readonly<CellVoltageInput>;

/** Process constants of the documented base cell (PHYSICS.md). */
export const BASE_PROCESS = Object.freeze({
  /** Current efficiency, -. */
  currentEfficiency: 0.945,
  /** Alumina mass per feeder shot, kg. */
  shotMassKg: 5.8,
  /** Bath mass, kg. */
  bathMassKg: 1800,
  /** Bath-wetted side-ledge area, m² (order of magnitude: perimeter ≈ 27 m × bath depth ≈ 0.2 m plus ends). */
  ledgeAreaM2: 6,
  /** AlF3 addition, kg/day (typical 20–40 kg/day for this class of point-fed prebake cell). */
  alf3AdditionKgPerDay: 25,
});

/** A deep, mutable copy of BASE_CELL with optional overrides (nested objects merged one level). */
export function baseCell(
  overrides: Partial<{
    [K in keyof CellVoltageInput]: CellVoltageInput[K] extends object
      ? Partial<CellVoltageInput[K]>
      : CellVoltageInput[K];
  }> = {},
): CellVoltageInput {
  return {
    ...BASE_CELL,
    ...(overrides as Partial<CellVoltageInput>),
    bath: { ...BASE_CELL.bath, ...(overrides.bath ?? {}) },
    geometry: { ...BASE_CELL.geometry, ...(overrides.geometry ?? {}) },
    resistancesMicroOhm: { ...BASE_CELL.resistancesMicroOhm, ...(overrides.resistancesMicroOhm ?? {}) },
  };
}
