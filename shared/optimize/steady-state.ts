/**
 * Steady-state prediction of one cell at given set points, composed from the physics building blocks:
 * cellVoltageBreakdown (Haupin), liquidusC (Solheim), the side-wall ledge balance (sidewallLedge) and the lumped
 * heat-loss form of shared/physics' steadyEnergyBalance, with the current-efficiency and anode-effect models of
 * process-models.ts. It differs from steadyEnergyBalance in two ways the optimiser needs:
 *  - CE depends on bath temperature, so the heat balance is solved with CE(T) inside it (the reaction heat moves
 *    with CE);
 *  - the "other losses" conductance is calibrated per cell so that the cell's measured state is its own steady
 *    state at the present set points (a cell on the line is not the documented base cell);
 * and it is solved by a safeguarded secant (3–5 voltage evaluations) instead of a full-bracket Brent search, so a
 * 300-cell line linearises in tens of milliseconds.
 *
 * Heat balance: I·(V(T) − V_ext) − ṁ_Al(CE(T))·E_rx = A_side·q_side(T) + G_other·(T − t_amb).
 */
import { aluminiumRateKgPerS, aluminaConsumptionKgPerS } from '../physics/constants.js';
import {
  cellVoltageBreakdown,
  type CellVoltageBreakdown,
  type CellVoltageInput,
} from '../physics/electrochemistry/cell-voltage.js';
import {
  DEFAULT_LUMPED_HEAT_LOSS,
  REACTION_ENERGY_KWH_PER_KG_AL,
  type LumpedHeatLoss,
} from '../physics/cell/energy-balance.js';
import { liquidusC, type BathComposition } from '../physics/properties/bath.js';
import { PhysicsError } from '../physics/errors.js';
import { sidewallLedge } from '../physics/cell/sidewall.js';
import {
  ANODE_CO2_T_PER_T_AL,
  anodeEffectsPerCellDay,
  currentEfficiency,
  pfcCO2eKgPerTonneAl,
  type CeReference,
} from './process-models.js';
import type { CellInput } from './schema.js';

/** The set points the optimiser moves for one cell. */
export interface CellSetPoints {
  acdCm: number;
  /** Alumina concentration the feed controller holds, wt %. */
  aluminaTargetPct: number;
  /** Excess AlF3 the additions hold, wt %. */
  alf3TargetPct: number;
}

/** One cell, calibrated at its present state: everything a prediction needs, nothing it must recompute. */
export interface CellModel {
  cellId: string;
  manual: boolean;
  present: CellSetPoints;
  presentBathTempC: number;
  presentSuperheatK: number;
  voltageTemplate: CellVoltageInput;
  heatLoss: LumpedHeatLoss;
  ceRef: CeReference;
  anodeEffectsRefPerCellDay: number;
  anodeEffectDurationMin: number;
  alf3AdditionPresentKgPerDay: number;
  shotMassKg: number;
}

/** Steady state of a cell at its set points and line current. */
export interface CellPrediction {
  cellVoltageV: number;
  bathTempC: number;
  liquidusC: number;
  superheatK: number;
  ledgeThicknessCm: number;
  currentEfficiency: number;
  anodeEffectsPerCellDay: number;
  productionKgPerDay: number;
  energyKWhPerDay: number;
  /** Anode-carbon CO2 plus PFC (slope method) CO2e, kg/day; electricity CO2 is a line-level setting. */
  processCO2eKgPerDay: number;
  secKWhPerKg: number;
  /** Breakdown flags an anode effect at this state (never acceptable as a set point). */
  anodeEffect: boolean;
  /** Mean feed interval that supplies the steady alumina consumption, s. */
  feedIntervalS: number;
  /** AlF3 addition that holds the target against first-order losses (losses ∝ AlF3 content), kg/day. */
  alf3AdditionKgPerDay: number;
}

function bathOf(model: CellModel, sp: CellSetPoints): BathComposition {
  return { ...model.voltageTemplate.bath, aluminaPct: sp.aluminaTargetPct, alf3Pct: sp.alf3TargetPct };
}

function sideFluxWPerM2(bathTempC: number, tLiqC: number, hl: LumpedHeatLoss): { fluxWPerM2: number; ledgeM: number } {
  const wall = sidewallLedge({
    bathTempC,
    liquidusC: tLiqC,
    bathToLedgeWPerM2K: hl.bathToLedgeWPerM2K,
    ledgeConductivityWPerMK: hl.ledgeConductivityWPerMK,
    wallLayers: hl.wallLayers,
    shellToAirWPerM2K: hl.shellToAirWPerM2K,
    ambientC: hl.ambientC,
  });
  return { fluxWPerM2: wall.heatFluxWPerM2, ledgeM: wall.ledgeThicknessM };
}

function generatedW(v: CellVoltageBreakdown, currentA: number, ce: number): number {
  return (
    currentA * (v.cellVoltageV - v.externalOhmicV) -
    aluminiumRateKgPerS(currentA, ce) * REACTION_ENERGY_KWH_PER_KG_AL * 3.6e6
  );
}

/** Calibrates a cell at its present state so that state is its steady state at the present line current. */
export function calibrateCell(cell: CellInput, lineCurrentKA: number): CellModel {
  const s = cell.state;
  const d = cell.design;
  const voltageTemplate: CellVoltageInput = {
    lineCurrentKA,
    acdCm: s.acdCm,
    bathTempC: s.bathTempC,
    bath: { aluminaPct: s.aluminaPct, alf3Pct: s.alf3Pct, caf2Pct: s.caf2Pct, mgf2Pct: s.mgf2Pct, lifPct: s.lifPct },
    geometry: {
      anodeAreaCm2: d.anodeAreaCm2,
      anodeCount: d.anodeCount,
      fanningFactor: d.fanningFactor,
      cathodeAreaCm2: d.cathodeAreaCm2,
    },
    resistancesMicroOhm: {
      anode: d.anodeResistanceMicroOhm,
      cathode: d.cathodeResistanceMicroOhm,
      external: d.externalResistanceMicroOhm,
    },
    aluminaAtAnodeEffectPct: d.aluminaAtAnodeEffectPct,
  };
  const v = cellVoltageBreakdown(voltageTemplate);
  const sideAreaM2 = DEFAULT_LUMPED_HEAT_LOSS.sideAreaM2 * (d.ledgeAreaM2 / 6);
  const base: LumpedHeatLoss = { ...DEFAULT_LUMPED_HEAT_LOSS, sideAreaM2, otherConductanceWPerK: 0 };
  const side = sideFluxWPerM2(s.bathTempC, v.liquidusC, base).fluxWPerM2 * sideAreaM2;
  const gen = generatedW(v, lineCurrentKA * 1000, s.currentEfficiency);
  const otherConductanceWPerK = (gen - side) / (s.bathTempC - base.ambientC);
  if (!(otherConductanceWPerK > 0)) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'bathTempC',
      `cell ${cell.cellId}: the side wall alone loses more heat (${side.toFixed(0)} W) than the cell generates (${gen.toFixed(0)} W); its state cannot be steady`,
    );
  }
  return {
    cellId: cell.cellId,
    manual: cell.manual,
    present: { acdCm: s.acdCm, aluminaTargetPct: s.aluminaPct, alf3TargetPct: s.alf3Pct },
    presentBathTempC: s.bathTempC,
    presentSuperheatK: s.bathTempC - v.liquidusC,
    voltageTemplate,
    heatLoss: { ...base, otherConductanceWPerK },
    ceRef: { currentEfficiency: s.currentEfficiency, bathTempC: s.bathTempC, alf3Pct: s.alf3Pct, acdCm: s.acdCm },
    anodeEffectsRefPerCellDay: s.anodeEffectsPerCellDay,
    anodeEffectDurationMin: s.anodeEffectDurationMin,
    alf3AdditionPresentKgPerDay: s.alf3AdditionKgPerDay,
    shotMassKg: d.shotMassKg,
  };
}

/** Bath-temperature bounds the voltage correlations accept, °C (BATH_RANGES). */
const T_MIN_C = 900;
const T_MAX_C = 1100;
/** Convergence of the steady bath temperature, K: far below the finite-difference steps of the linearisation. */
const T_TOL_K = 1e-9;

/**
 * Steady state of the cell at set points `sp` and line current `lineCurrentKA`. Throws PhysicsError when the
 * state leaves the models' validity (no steady state above the liquidus, alumina above saturation, …).
 */
export function predictCell(model: CellModel, sp: CellSetPoints, lineCurrentKA: number): CellPrediction {
  const bath = bathOf(model, sp);
  const tLiq = liquidusC(bath);
  const currentA = lineCurrentKA * 1000;
  const hl = model.heatLoss;
  const input: CellVoltageInput = { ...model.voltageTemplate, lineCurrentKA, acdCm: sp.acdCm, bath };
  const residual = (tC: number): number => {
    const v = cellVoltageBreakdown({ ...input, bathTempC: tC });
    const ce = currentEfficiency(model.ceRef, tC, sp.alf3TargetPct, sp.acdCm);
    return (
      generatedW(v, currentA, ce) -
      sideFluxWPerM2(tC, tLiq, hl).fluxWPerM2 * hl.sideAreaM2 -
      hl.otherConductanceWPerK * (tC - hl.ambientC)
    );
  };
  const lo = Math.max(T_MIN_C, tLiq + 1e-6);
  if (!(lo < T_MAX_C))
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'liquidusC',
      `cell ${model.cellId}: liquidus ${tLiq.toFixed(1)} °C leaves no bath window`,
      tLiq,
    );
  // Liquidus shifts carry the bath with them, so the present superheat over the new liquidus is the best guess.
  const tC = solveSteadyTemp(
    residual,
    tLiq + model.presentSuperheatK,
    lo,
    T_MAX_C,
    hl.bathToLedgeWPerM2K * hl.sideAreaM2 + hl.otherConductanceWPerK,
    model.cellId,
  );
  const v = cellVoltageBreakdown({ ...input, bathTempC: tC });
  const ce = currentEfficiency(model.ceRef, tC, sp.alf3TargetPct, sp.acdCm);
  const ledgeM = sideFluxWPerM2(tC, tLiq, hl).ledgeM;
  const productionKgPerDay = aluminiumRateKgPerS(currentA, ce) * 86_400;
  const energyKWhPerDay = v.cellVoltageV * lineCurrentKA * 24;
  const anodeEffects = anodeEffectsPerCellDay(
    model.anodeEffectsRefPerCellDay,
    model.present.aluminaTargetPct,
    sp.aluminaTargetPct,
  );
  const pfcKgPerT = pfcCO2eKgPerTonneAl(anodeEffects * model.anodeEffectDurationMin);
  const processCO2eKgPerDay = (productionKgPerDay / 1000) * (ANODE_CO2_T_PER_T_AL * 1000 + pfcKgPerT);
  return {
    cellVoltageV: v.cellVoltageV,
    bathTempC: tC,
    liquidusC: tLiq,
    superheatK: tC - tLiq,
    ledgeThicknessCm: ledgeM * 100,
    currentEfficiency: ce,
    anodeEffectsPerCellDay: anodeEffects,
    productionKgPerDay,
    energyKWhPerDay,
    processCO2eKgPerDay,
    secKWhPerKg: energyKWhPerDay / productionKgPerDay,
    anodeEffect: v.anodeEffect,
    feedIntervalS: model.shotMassKg / aluminaConsumptionKgPerS(currentA, ce),
    alf3AdditionKgPerDay: model.alf3AdditionPresentKgPerDay * (sp.alf3TargetPct / model.present.alf3TargetPct),
  };
}

/**
 * Root of the (decreasing) heat residual on [lo, hi]: secant steps from the guess, with the loss conductance as
 * first slope, safeguarded by the sign bracket (a step leaving it is replaced by bisection), so it never fails
 * where a root exists and usually needs 3–4 evaluations.
 */
function solveSteadyTemp(
  f: (t: number) => number,
  guessC: number,
  lo: number,
  hi: number,
  lossConductanceWPerK: number,
  cellId: string,
): number {
  let a = lo;
  let b = hi;
  let t0 = Math.min(hi, Math.max(lo, guessC));
  let f0 = f(t0);
  if (f0 > 0) a = t0;
  else b = t0;
  let t1 = t0 + f0 / lossConductanceWPerK;
  for (let it = 0; it < 100; it++) {
    if (!(t1 > a && t1 < b)) t1 = 0.5 * (a + b);
    const f1 = f(t1);
    if (f1 === 0) return t1;
    if (f1 > 0) a = t1;
    else b = t1;
    const slope = (f1 - f0) / (t1 - t0);
    t0 = t1;
    f0 = f1;
    t1 = slope < 0 ? t1 - f1 / slope : 0.5 * (a + b);
    // Superlinear convergence: once the secant correction is below tolerance, the corrected point is the root.
    if (Math.abs(t1 - t0) < T_TOL_K || b - a < T_TOL_K) break;
  }
  const root =
    Math.abs(t1 - t0) < T_TOL_K ? (t1 >= a && t1 <= b ? t1 : t0) : b - a < T_TOL_K ? 0.5 * (a + b) : Number.NaN;
  if (Number.isNaN(root))
    throw new PhysicsError(
      'ERR-PHYS-CONVERGENCE',
      'bathTempC',
      `cell ${cellId}: steady bath temperature did not converge`,
    );
  // A "root" pinned at a bracket end is no steady state: the cell freezes (f < 0 down to the liquidus) or overheats.
  if (root - lo < 1e-6)
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'superheatK',
      `cell ${cellId}: no steady state above the liquidus (the cell freezes)`,
      0,
    );
  if (hi - root < 1e-6)
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'bathTempC',
      `cell ${cellId}: no steady state below ${hi} °C (the cell overheats)`,
      hi,
    );
  return root;
}
