/**
 * Per-cell design and operating parameters: the design of the line's cell technology (from the plant model), varied
 * cell by cell from the seed (no two real cells share resistances, bath chemistry, heat loss or age).
 */
import { type CellVoltageInput } from '../../shared/physics/electrochemistry/cell-voltage.js';
import type { CellTechnology } from '../../shared/plant/schema.js';
import { ALUMINA_PER_AL_KG_PER_KG, FARADAY_YIELD_KG_PER_KAH, METAL_DENSITY_KG_M3 } from './constants.js';
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
  /** Liquid bath the alumina and AlF3 dissolve in, kg (the technology's inventory). */
  bathMassKg: number;
  /** Cathode cavity the metal pad spreads over, m². */
  cavityAreaM2: number;
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

/** Tap interval, s (daily tapping, industry practice). */
const TAP_INTERVAL_S = 86_400;
/** Spread of current efficiency between cells of one line around the design value, - (below, above). */
const CE_SPREAD = { below: 0.025, above: 0.015 } as const;
/** Spread of the fanning factor between cells around the design value, relative (below, above). */
const FANNING_SPREAD = { below: 0.05, above: 0.055 } as const;
/** Spread of the bath depth between cells around the design value, cm (± 2 cm: ledge profiles differ). */
const BATH_HEIGHT_SPREAD_CM = 2;
/** cm² per m². */
const CM2_PER_M2 = 10_000;

/** The technology's design in the shared cell model's terms: anode area from anode count × length × width. */
export function technologyGeometry(technology: CellTechnology): CellVoltageInput['geometry'] {
  const { anodes } = technology;
  return {
    anodeAreaCm2: anodes.count * anodes.lengthM * anodes.widthM * CM2_PER_M2,
    anodeCount: anodes.count,
    fanningFactor: technology.fanningFactor,
    cathodeAreaCm2: technology.cathodeAreaM2 * CM2_PER_M2,
  };
}

/**
 * Draws a cell's parameters around its technology's design; `baseLineCurrentKA` (the line's current) sets the
 * normal feed interval and the daily production.
 */
export function drawCellParams(
  lineId: string,
  cellId: string,
  technology: CellTechnology,
  baseLineCurrentKA: number,
  rng: Rng,
): CellParams {
  const t = technology;
  const vary = (value: number, relative: number): number => value * (1 + relative * rng.normal());
  const currentEfficiency = Math.min(
    t.currentEfficiency + CE_SPREAD.above,
    Math.max(t.currentEfficiency - CE_SPREAD.below, t.currentEfficiency + 0.005 * rng.normal()),
  );
  const aluminaKgPerS =
    (FARADAY_YIELD_KG_PER_KAH * baseLineCurrentKA * currentEfficiency * ALUMINA_PER_AL_KG_PER_KG) / 3600;
  const shotMassKg = t.shotMassKg;
  const dailyProductionKg = FARADAY_YIELD_KG_PER_KAH * baseLineCurrentKA * currentEfficiency * 24;
  const geometry = technologyGeometry(t);
  return {
    cellId,
    lineId,
    geometry: {
      ...geometry,
      fanningFactor: Math.min(
        geometry.fanningFactor * (1 + FANNING_SPREAD.above),
        Math.max(geometry.fanningFactor * (1 - FANNING_SPREAD.below), vary(geometry.fanningFactor, 0.01)),
      ),
    },
    resistancesMicroOhm: {
      anode: vary(t.resistancesMicroOhm.anode, 0.05),
      cathode: vary(t.resistancesMicroOhm.cathode, 0.08), // cathodes age: the widest spread
      external: vary(t.resistancesMicroOhm.external, 0.03),
    },
    caf2Pct: vary(t.bath.caf2Pct, 0.05),
    mgf2Pct: Math.max(0, vary(t.bath.mgf2Pct, 0.1)),
    lifPct: t.bath.lifPct,
    alf3Pct: vary(t.bath.alf3Pct, 0.05),
    alf3AdditionKgPerDay: t.alf3AdditionKgPerDay,
    currentEfficiency,
    shotMassKg,
    bathMassKg: t.bathMassKg,
    cavityAreaM2: t.cavityAreaM2,
    feedIntervalS: (shotMassKg / aluminaKgPerS) * (1 + 0.02 * rng.normal()),
    aluminaTargetPct: rng.uniform(2.8, 3.2),
    aluminaBandPct: rng.uniform(0.3, 0.4),
    acdTargetCm: vary(t.designAcdCm, 0.03),
    acdControlPeriodS: rng.uniform(120, 300),
    bathTempTargetC: t.bathTempC + 3 * rng.normal(),
    ledgeAreaM2: vary(t.ledgeAreaM2, 0.1),
    fixedHeatLossW: 0,
    shellRatio: rng.uniform(0.3, 0.38),
    bathHeightBaseCm: rng.uniform(t.bathHeightCm - BATH_HEIGHT_SPREAD_CM, t.bathHeightCm + BATH_HEIGHT_SPREAD_CM),
    metalBaseKg: vary(t.metalPadMassKg, 0.05),
    dailyProductionKg,
    tapIntervalS: TAP_INTERVAL_S,
    tapPhase: rng.next(),
    beamStartCm: rng.uniform(12, 35),
    voltageNoiseV: rng.uniform(0.008, 0.03),
  };
}

/** Metal pad height rise per day of production, cm/day (for documentation and tests). */
export function metalRiseCmPerDay(params: CellParams): number {
  return (params.dailyProductionKg / (METAL_DENSITY_KG_M3 * params.cavityAreaM2)) * 100;
}
