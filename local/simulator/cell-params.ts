/**
 * Per-cell design and operating parameters: the documented base cell of PHYSICS.md, varied cell by cell from
 * the seed (no two real cells share resistances, bath chemistry, heat loss or age).
 */
import { BASE_CELL, BASE_PROCESS } from '../../shared/physics/electrochemistry/base-cell.js';
import { type CellVoltageInput } from '../../shared/physics/electrochemistry/cell-voltage.js';
import {
  ALUMINA_PER_AL_KG_PER_KG,
  CAVITY_AREA_M2,
  FARADAY_YIELD_KG_PER_KAH,
  LEDGE_AREA_M2,
  METAL_DENSITY_KG_M3,
  METAL_PAD_MASS_KG,
} from './constants.js';
import type { Rng } from './prng.js';

export interface CellParams {
  cellId: string;
  lineId: string;
  geometry: CellVoltageInput['geometry'];
  resistancesMicroOhm: CellVoltageInput['resistancesMicroOhm'];
  caf2Pct: number;
  mgf2Pct: number;
  lifPct: number;
  /** Excess AlF3 the cell is balanced at with its default addition, wt %. */
  alf3Pct: number;
  alf3AdditionKgPerDay: number;
  currentEfficiency: number;
  shotMassKg: number;
  /** Normal feed interval, s: one shot per consumed shot mass at the base current. */
  feedIntervalS: number;
  /** Alumina the feed controller tracks, wt %, and the half-width of its under/overfeed band, wt %. */
  aluminaTargetPct: number;
  aluminaBandPct: number;
  acdTargetCm: number;
  acdControlPeriodS: number;
  bathTempTargetC: number;
  ledgeAreaM2: number;
  /** Heat loss independent of superheat, W (calibrated when the potline is built). */
  fixedHeatLossW: number;
  /** Shell temperature as a fraction of the bath's rise over ambient, -. */
  shellRatio: number;
  bathHeightBaseCm: number;
  metalBaseKg: number;
  dailyProductionKg: number;
  tapIntervalS: number;
  /** Where in its tap cycle the cell starts, 0..1. */
  tapPhase: number;
  beamStartCm: number;
  /** Standard deviation of the slow voltage noise, V (quiet cells ~10 mV, noisy cells ~30 mV). */
  voltageNoiseV: number;
}

/** Default AlF3 additions, kg/day (typical 20–40 kg/day for a 126 kA point-fed prebake cell). */
const DEFAULT_ALF3_ADDITION_KG_PER_DAY = 25;
/** Tap interval, s (daily tapping, industry practice). */
const TAP_INTERVAL_S = 86_400;

/** Draws a cell's parameters around the base cell; `baseLineCurrentKA` sets the normal feed interval. */
export function drawCellParams(lineId: string, cellId: string, baseLineCurrentKA: number, rng: Rng): CellParams {
  const vary = (value: number, relative: number): number => value * (1 + relative * rng.normal());
  const currentEfficiency = Math.min(0.96, Math.max(0.92, BASE_PROCESS.currentEfficiency + 0.005 * rng.normal()));
  const aluminaKgPerS =
    (FARADAY_YIELD_KG_PER_KAH * baseLineCurrentKA * currentEfficiency * ALUMINA_PER_AL_KG_PER_KG) / 3600;
  const shotMassKg = BASE_PROCESS.shotMassKg;
  const dailyProductionKg = FARADAY_YIELD_KG_PER_KAH * baseLineCurrentKA * currentEfficiency * 24;
  return {
    cellId,
    lineId,
    geometry: {
      ...BASE_CELL.geometry,
      fanningFactor: Math.min(1.2, Math.max(1.08, vary(BASE_CELL.geometry.fanningFactor, 0.01))),
    },
    resistancesMicroOhm: {
      anode: vary(BASE_CELL.resistancesMicroOhm.anode, 0.05),
      cathode: vary(BASE_CELL.resistancesMicroOhm.cathode, 0.08), // cathodes age: the widest spread
      external: vary(BASE_CELL.resistancesMicroOhm.external, 0.03),
    },
    caf2Pct: vary(BASE_CELL.bath.caf2Pct, 0.05),
    mgf2Pct: Math.max(0, vary(BASE_CELL.bath.mgf2Pct, 0.1)),
    lifPct: BASE_CELL.bath.lifPct,
    alf3Pct: vary(BASE_CELL.bath.alf3Pct, 0.05),
    alf3AdditionKgPerDay: DEFAULT_ALF3_ADDITION_KG_PER_DAY,
    currentEfficiency,
    shotMassKg,
    feedIntervalS: (shotMassKg / aluminaKgPerS) * (1 + 0.02 * rng.normal()),
    aluminaTargetPct: rng.uniform(2.8, 3.2),
    aluminaBandPct: rng.uniform(0.3, 0.4),
    acdTargetCm: vary(BASE_CELL.acdCm, 0.03),
    acdControlPeriodS: rng.uniform(120, 300),
    bathTempTargetC: BASE_CELL.bathTempC + 3 * rng.normal(),
    ledgeAreaM2: vary(LEDGE_AREA_M2, 0.1),
    fixedHeatLossW: 0,
    shellRatio: rng.uniform(0.3, 0.38),
    bathHeightBaseCm: rng.uniform(17, 21),
    metalBaseKg: vary(METAL_PAD_MASS_KG, 0.05),
    dailyProductionKg,
    tapIntervalS: TAP_INTERVAL_S,
    tapPhase: rng.next(),
    beamStartCm: rng.uniform(12, 35),
    voltageNoiseV: rng.uniform(0.008, 0.03),
  };
}

/** Metal pad height rise per day of production, cm/day (for documentation and tests). */
export function metalRiseCmPerDay(params: CellParams): number {
  return (params.dailyProductionKg / (METAL_DENSITY_KG_M3 * CAVITY_AREA_M2)) * 100;
}
