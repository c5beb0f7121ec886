/**
 * One Hall–Héroult cell as a lumped, time-stepped model: alumina mass balance with feeder shots and a feed
 * controller, the shared cell-voltage breakdown, anode effects and their kill, a first-order energy balance,
 * anode burn-off with an ACD controller moving the anode beam, metal production and tapping.
 *
 * Energy balance (lumped, first order): C_th·dT/dt = V·I − V_rxn·CE·I − [UA·(T − T_liq) + Q_fixed].
 * UA is the bath→ledge coefficient times the ledge area, so heat leaves faster with more superheat (the ledge
 * melts back), which is what pins a real cell a few kelvin above its liquidus. Q_fixed (conduction through
 * ledge, lining and top crust) is calibrated per cell so the cell starts in balance at its target temperature.
 */
import { aluminaSaturationPct } from '../../shared/physics/properties/bath.js';
import {
  ALUMINA_AT_ANODE_EFFECT_PCT,
  ALUMINA_PER_AL_KG_PER_KG,
  AMBIENT_TEMP_C,
  ANODE_BURN_CM_PER_DAY,
  BATH_CP_J_PER_KGK,
  BATH_HEIGHT_PER_K_CM,
  BATH_TO_LEDGE_HTC_W_PER_M2K,
  FARADAY_YIELD_KG_PER_KAH,
  METAL_CP_J_PER_KGK,
  METAL_DENSITY_KG_M3,
  REACTION_VOLTAGE_EQUIVALENT_V,
  SECONDS_PER_DAY_S,
  SHELL_TIME_CONSTANT_S,
  SHOT_DISSOLUTION_RATE_PER_S,
  SHOT_FAST_DISSOLVED_FRACTION,
} from './constants.js';
import type { CellParams } from './cell-params.js';
import type { Rng } from './prng.js';
import { evaluateCellVoltage, type CellVoltageInput } from './voltage.js';

export type FeedMode = 'underfeed' | 'overfeed';

/** Things that happen in a cell during a step, for the emitter (feeder shots) and the ground-truth labels. */
export type CellEvent =
  | { type: 'shot'; cellId: string; tsMs: number; massKg: number }
  | { type: 'anode_effect_start'; cellId: string; tsMs: number; voltageV: number }
  | { type: 'anode_effect_end'; cellId: string; tsMs: number; startTsMs: number; peakVoltageV: number }
  | { type: 'metal_tap'; cellId: string; tsMs: number; tappedKg: number; metalDropCm: number; durationS: number }
  | { type: 'beam_raise'; cellId: string; tsMs: number; raiseCm: number };

export interface CellState {
  readonly params: CellParams;
  readonly rng: Rng;
  /** Dissolved alumina, kg. */
  aluminaKg: number;
  /** Alumina fed but not yet dissolved (the slow fraction of shots), kg. */
  undissolvedKg: number;
  /** Excess AlF3 in the bath, kg. */
  alf3Kg: number;
  bathTempC: number;
  shellTempC: number;
  /** Metal pad mass, kg. */
  metalKg: number;
  /** Anode beam position above its lowest travel, cm. */
  beamPositionCm: number;
  /** Distance from beam zero to the anode bottoms (shrinks as anodes burn), cm. */
  anodeReachCm: number;
  /** ACD the controller holds, cm (set point). */
  acdTargetCm: number;
  /** Feed interval of normal feeding, s (set point); the controller under- and overfeeds around it. */
  feedIntervalS: number;
  /** AlF3 additions, kg/day (set point). */
  alf3AdditionKgPerDay: number;
  feedMode: FeedMode;
  nextShotAtMs: number;
  lastShotAtMs: number;
  /** A choked feeder delivers nothing until this time (or until an anode-effect kill clears it), ms epoch. */
  feederChokedUntilMs: number;
  nextAcdControlAtMs: number;
  nextTapAtMs: number;
  /** Tap in progress: metal still to siphon, kg, and the siphon rate, kg/s. */
  tap: { remainingKg: number; rateKgPerS: number } | undefined;
  /** Anode effect in progress, if any. */
  anodeEffect: { startTsMs: number; voltageV: number; peakVoltageV: number; nextKillAtMs: number } | undefined;
  /** Last evaluated cell voltage (AE voltage during an anode effect), V. */
  cellVoltageV: number;
  /** Slow voltage fluctuation (metal-pad and bubble noise, AR(1) state), V. */
  voltageNoiseV: number;
  liquidusC: number;
}

export interface CellStepOptions {
  /** Expected feeder chokes per cell per day (a choke that outlasts the alumina buffer causes an anode effect), 1/day. */
  feederChokesPerDay: number;
}

/** Pseudo-AE-kill dump: shots delivered at once when the controller kills an anode effect (typical PFPB kill routine). */
const AE_KILL_SHOTS = 3;
/** ACD controller dead band, cm (beam moves smaller than this are not worth the wear; typical ~0.5 mm). */
const ACD_DEADBAND_CM = 0.05;
/** Beam travel below which the crew raises the beam, cm (typical 40 cm travel, raise near the end). */
const BEAM_RAISE_BELOW_CM = 5;
/** Correlation time of the slow voltage noise, s (metal-pad roll periods of tens of seconds; assumed). */
const VOLTAGE_NOISE_TIME_S = 20;
/** Under- and overfeed intervals relative to the normal interval, - (typical point-feeder tracking cycle). */
const UNDERFEED_FACTOR = 1.5;
const OVERFEED_FACTOR = 0.7;
/** Duration of a metal tap, s (a crucible siphons a day's metal in a few minutes; typical 3–5 min). */
const TAP_DURATION_S = 240;

function feedFactor(mode: FeedMode): number {
  return mode === 'underfeed' ? UNDERFEED_FACTOR : OVERFEED_FACTOR;
}

/** Alumina concentration, wt % of the bath. */
export function aluminaPct(cell: CellState): number {
  return (cell.aluminaKg / cell.params.bathMassKg) * 100;
}
export function alf3Pct(cell: CellState): number {
  return (cell.alf3Kg / cell.params.bathMassKg) * 100;
}
/** ACD from the geometry: beam position minus anode reach minus metal pad height, cm. */
export function acdCm(cell: CellState): number {
  return cell.beamPositionCm - cell.anodeReachCm - metalHeightCm(cell);
}
export function metalHeightCm(cell: CellState): number {
  return (cell.metalKg / (METAL_DENSITY_KG_M3 * cell.params.cavityAreaM2)) * 100;
}
export function bathHeightCm(cell: CellState): number {
  return cell.params.bathHeightBaseCm + BATH_HEIGHT_PER_K_CM * (cell.bathTempC - cell.params.bathTempTargetC);
}

/** The shared cell model's input for the cell's present state. */
export function voltageInput(cell: CellState, lineCurrentKA: number): CellVoltageInput {
  const p = cell.params;
  return {
    lineCurrentKA,
    acdCm: acdCm(cell),
    bathTempC: cell.bathTempC,
    bath: {
      aluminaPct: aluminaPct(cell),
      alf3Pct: alf3Pct(cell),
      caf2Pct: p.caf2Pct,
      mgf2Pct: p.mgf2Pct,
      lifPct: p.lifPct,
    },
    geometry: p.geometry,
    resistancesMicroOhm: p.resistancesMicroOhm,
    aluminaAtAnodeEffectPct: ALUMINA_AT_ANODE_EFFECT_PCT,
  };
}

/** Thermal mass of bath and metal pad, J/K. */
function thermalMassJPerK(cell: CellState): number {
  return cell.params.bathMassKg * BATH_CP_J_PER_KGK + cell.metalKg * METAL_CP_J_PER_KGK;
}
function ledgeUaWPerK(cell: CellState): number {
  return BATH_TO_LEDGE_HTC_W_PER_M2K * cell.params.ledgeAreaM2;
}

/**
 * Creates a cell in thermal balance at its target temperature: the fixed heat loss is calibrated from the
 * voltage the shared model gives at the starting state.
 */
export function createCell(params: CellParams, rng: Rng, startMs: number, lineCurrentKA: number): CellState {
  const cell: CellState = {
    params,
    rng,
    aluminaKg: (params.aluminaTargetPct / 100) * params.bathMassKg,
    undissolvedKg: 0,
    alf3Kg: (params.alf3Pct / 100) * params.bathMassKg,
    bathTempC: params.bathTempTargetC,
    shellTempC: AMBIENT_TEMP_C + params.shellRatio * (params.bathTempTargetC - AMBIENT_TEMP_C),
    metalKg: params.metalBaseKg + params.tapPhase * params.dailyProductionKg,
    beamPositionCm: params.beamStartCm,
    anodeReachCm: 0,
    acdTargetCm: params.acdTargetCm,
    feedIntervalS: params.feedIntervalS,
    alf3AdditionKgPerDay: params.alf3AdditionKgPerDay,
    feedMode: rng.chance(0.5) ? 'underfeed' : 'overfeed',
    nextShotAtMs: Math.round(startMs + rng.uniform(0, params.feedIntervalS) * 1000),
    lastShotAtMs: startMs,
    feederChokedUntilMs: -Infinity,
    nextAcdControlAtMs: Math.round(startMs + rng.uniform(0, params.acdControlPeriodS) * 1000),
    nextTapAtMs: Math.round(startMs + (1 - params.tapPhase) * params.tapIntervalS * 1000),
    tap: undefined,
    anodeEffect: undefined,
    cellVoltageV: 0,
    voltageNoiseV: 0,
    liquidusC: 0,
  };
  cell.anodeReachCm = cell.beamPositionCm - metalHeightCm(cell) - params.acdTargetCm;
  const breakdown = evaluateCellVoltage(voltageInput(cell, lineCurrentKA));
  cell.cellVoltageV = breakdown.cellVoltageV;
  cell.liquidusC = breakdown.liquidusC;
  return cell;
}

/** Heat lost through ledge, lining and crust that does not depend on superheat, W (calibrated at start). */
export function calibrateFixedLossW(cell: CellState, lineCurrentKA: number): number {
  const currentA = lineCurrentKA * 1000;
  const joule = cell.cellVoltageV * currentA;
  const reaction = REACTION_VOLTAGE_EQUIVALENT_V * cell.params.currentEfficiency * currentA;
  return joule - reaction - ledgeUaWPerK(cell) * (cell.bathTempC - cell.liquidusC);
}

/**
 * Advances the cell by dtS seconds ending at nowMs under the given line current, appending what happened to
 * `events`. Deterministic for a given rng state.
 */
export function stepCell(
  cell: CellState,
  lineCurrentKA: number,
  dtS: number,
  nowMs: number,
  options: CellStepOptions,
  events: CellEvent[],
): void {
  const p = cell.params;
  const { rng } = cell;
  const currentA = lineCurrentKA * 1000;

  // Feeder chokes (crust bridging over the feeder hole) start at random and clear after a while.
  if (nowMs >= cell.feederChokedUntilMs && rng.chance((options.feederChokesPerDay * dtS) / SECONDS_PER_DAY_S)) {
    cell.feederChokedUntilMs = nowMs + rng.uniform(10, 60) * 60_000;
  }

  // Feed controller: shots at the interval of the present mode; a choked feeder fires but delivers nothing.
  while (cell.nextShotAtMs <= nowMs) {
    const shotMs = cell.nextShotAtMs;
    if (shotMs >= cell.feederChokedUntilMs) deliverShot(cell, shotMs, events);
    cell.lastShotAtMs = shotMs;
    cell.nextShotAtMs = Math.round(shotMs + cell.feedIntervalS * feedFactor(cell.feedMode) * 1000);
  }
  // The controller watches the cell continuously and switches mode between shots, re-planning the next shot.
  const pct = aluminaPct(cell);
  if (cell.feedMode === 'underfeed' && pct < p.aluminaTargetPct - p.aluminaBandPct) {
    cell.feedMode = 'overfeed';
    cell.nextShotAtMs = Math.max(
      nowMs + 1,
      Math.min(cell.nextShotAtMs, Math.round(cell.lastShotAtMs + cell.feedIntervalS * OVERFEED_FACTOR * 1000)),
    );
  } else if (cell.feedMode === 'overfeed' && pct > p.aluminaTargetPct + p.aluminaBandPct) {
    cell.feedMode = 'underfeed';
    cell.nextShotAtMs = Math.round(cell.lastShotAtMs + cell.feedIntervalS * UNDERFEED_FACTOR * 1000);
  }

  // Alumina: slow dissolution of shots, Faraday consumption (PHYSICS.md: 1.8895 kg Al2O3 per kg Al).
  const dissolvedKg = cell.undissolvedKg * (1 - Math.exp(-SHOT_DISSOLUTION_RATE_PER_S * dtS));
  cell.undissolvedKg -= dissolvedKg;
  const aluminiumKg = (FARADAY_YIELD_KG_PER_KAH * lineCurrentKA * p.currentEfficiency * dtS) / 3600;
  cell.aluminaKg = Math.max(0, cell.aluminaKg + dissolvedKg - aluminiumKg * ALUMINA_PER_AL_KG_PER_KG);
  capAtSaturation(cell);
  cell.metalKg += aluminiumKg;

  // AlF3: additions against first-order losses (evaporation, reaction with Na2O), balanced at the default addition.
  const alf3LossPerS = p.alf3AdditionKgPerDay / ((p.alf3Pct / 100) * p.bathMassKg) / SECONDS_PER_DAY_S;
  cell.alf3Kg += (cell.alf3AdditionKgPerDay / SECONDS_PER_DAY_S - alf3LossPerS * cell.alf3Kg) * dtS;

  // Anodes burn away, opening the ACD; the controller moves the beam down (and up as metal accumulates).
  cell.anodeReachCm -= (ANODE_BURN_CM_PER_DAY * dtS) / SECONDS_PER_DAY_S;
  if (nowMs >= cell.nextTapAtMs) startTap(cell, cell.nextTapAtMs, events);
  continueTap(cell, dtS);
  if (nowMs >= cell.nextAcdControlAtMs) {
    cell.nextAcdControlAtMs += Math.round(p.acdControlPeriodS * 1000);
    if (!cell.anodeEffect) correctAcd(cell);
  }
  if (cell.beamPositionCm < BEAM_RAISE_BELOW_CM) {
    const raiseCm = rng.uniform(12, 18);
    cell.beamPositionCm += raiseCm;
    cell.anodeReachCm += raiseCm;
    events.push({ type: 'beam_raise', cellId: p.cellId, tsMs: nowMs, raiseCm });
  }

  // Voltage from the shared cell model; an anode effect replaces it by the arc voltage until killed.
  const breakdown = evaluateCellVoltage(voltageInput(cell, lineCurrentKA));
  cell.liquidusC = breakdown.liquidusC;
  const a = Math.exp(-dtS / VOLTAGE_NOISE_TIME_S);
  cell.voltageNoiseV = a * cell.voltageNoiseV + Math.sqrt(1 - a * a) * p.voltageNoiseV * rng.normal();
  // Readings taken during this step show the state at its end, so the anode effect is dated from just after
  // the step's start: then exactly the readings inside [start, end) show the arc voltage.
  updateAnodeEffect(cell, breakdown.anodeEffect, nowMs, nowMs - dtS * 1000 + 1, events);
  cell.cellVoltageV = cell.anodeEffect
    ? cell.anodeEffect.voltageV + rng.normal() * 1.5
    : breakdown.cellVoltageV + cell.voltageNoiseV;
  if (cell.anodeEffect) cell.anodeEffect.peakVoltageV = Math.max(cell.anodeEffect.peakVoltageV, cell.cellVoltageV);

  // Energy balance (see the module comment) and the shell following the bath with a lag.
  const heatInW = cell.cellVoltageV * currentA;
  const reactionW = REACTION_VOLTAGE_EQUIVALENT_V * p.currentEfficiency * currentA;
  const lossW = ledgeUaWPerK(cell) * (cell.bathTempC - cell.liquidusC) + p.fixedHeatLossW;
  cell.bathTempC += ((heatInW - reactionW - lossW) * dtS) / thermalMassJPerK(cell);
  const shellTargetC = AMBIENT_TEMP_C + p.shellRatio * (cell.bathTempC - AMBIENT_TEMP_C);
  cell.shellTempC += (shellTargetC - cell.shellTempC) * (1 - Math.exp(-dtS / SHELL_TIME_CONSTANT_S));
}

function deliverShot(cell: CellState, tsMs: number, events: CellEvent[]): void {
  // Shot mass scatters by a couple of percent (volumetric feeders; typical ±2 %).
  const massKg = cell.params.shotMassKg * (1 + 0.02 * cell.rng.normal());
  cell.aluminaKg += massKg * SHOT_FAST_DISSOLVED_FRACTION;
  cell.undissolvedKg += massKg * (1 - SHOT_FAST_DISSOLVED_FRACTION);
  capAtSaturation(cell);
  events.push({ type: 'shot', cellId: cell.params.cellId, tsMs, massKg });
}

/** Alumina beyond 98 % of saturation does not dissolve: it settles as sludge (lost to the balance). */
function capAtSaturation(cell: CellState): void {
  const satPct = aluminaSaturationPct(
    {
      aluminaPct: aluminaPct(cell),
      alf3Pct: alf3Pct(cell),
      caf2Pct: cell.params.caf2Pct,
      mgf2Pct: cell.params.mgf2Pct,
      lifPct: cell.params.lifPct,
    },
    Math.min(1100, Math.max(900, cell.bathTempC)),
  );
  const maxKg = ((0.98 * satPct) / 100) * cell.params.bathMassKg;
  if (cell.aluminaKg > maxKg) {
    cell.undissolvedKg = 0;
    cell.aluminaKg = maxKg;
  }
}

function correctAcd(cell: CellState): void {
  const errorCm = cell.acdTargetCm - acdCm(cell);
  if (Math.abs(errorCm) > ACD_DEADBAND_CM) cell.beamPositionCm += errorCm;
}

/** Moves the beam at once so the ACD equals its target (a set-point change or an operator correction). */
export function applyAcdTarget(cell: CellState, acdTargetCm: number): void {
  cell.acdTargetCm = acdTargetCm;
  cell.beamPositionCm += acdTargetCm - acdCm(cell);
}

function startTap(cell: CellState, tsMs: number, events: CellEvent[]): void {
  const p = cell.params;
  const tappedKg = Math.max(0, cell.metalKg - p.metalBaseKg);
  cell.tap = { remainingKg: tappedKg, rateKgPerS: tappedKg / TAP_DURATION_S };
  cell.nextTapAtMs = Math.round(tsMs + p.tapIntervalS * 1000);
  const metalDropCm = (tappedKg / (METAL_DENSITY_KG_M3 * p.cavityAreaM2)) * 100;
  events.push({ type: 'metal_tap', cellId: p.cellId, tsMs, tappedKg, metalDropCm, durationS: TAP_DURATION_S });
}

/** Siphons metal during a tap; the operator lowers the beam with the metal so the ACD does not open. */
function continueTap(cell: CellState, dtS: number): void {
  if (!cell.tap) return;
  const removedKg = Math.min(cell.tap.remainingKg, cell.tap.rateKgPerS * dtS);
  const before = metalHeightCm(cell);
  cell.metalKg -= removedKg;
  cell.beamPositionCm -= before - metalHeightCm(cell);
  cell.tap.remainingKg -= removedKg;
  if (cell.tap.remainingKg <= 1e-9) cell.tap = undefined;
}

function updateAnodeEffect(
  cell: CellState,
  modelSaysAnodeEffect: boolean,
  nowMs: number,
  stateFromMs: number,
  events: CellEvent[],
): void {
  const { rng } = cell;
  const cellId = cell.params.cellId;
  if (!cell.anodeEffect && modelSaysAnodeEffect) {
    // Arc voltage of an anode effect, V (30–50 V typical for prebake cells; Grjotheim & Kvande 1993).
    const voltageV = rng.uniform(30, 50);
    cell.anodeEffect = {
      startTsMs: stateFromMs,
      voltageV,
      peakVoltageV: voltageV,
      nextKillAtMs: nowMs + rng.uniform(15, 90) * 1000,
    };
    events.push({ type: 'anode_effect_start', cellId, tsMs: stateFromMs, voltageV });
    return;
  }
  if (!cell.anodeEffect) return;
  if (!modelSaysAnodeEffect) {
    events.push({
      type: 'anode_effect_end',
      cellId,
      tsMs: stateFromMs,
      startTsMs: cell.anodeEffect.startTsMs,
      peakVoltageV: cell.anodeEffect.peakVoltageV,
    });
    cell.anodeEffect = undefined;
    return;
  }
  if (nowMs >= cell.anodeEffect.nextKillAtMs) {
    // AE kill: clear the feeder, dump alumina, then overfeed to rebuild the buffer.
    cell.feederChokedUntilMs = -Infinity;
    // Shots of the dump are spaced so each is its own event in time (a source never repeats a timestamp).
    for (let k = 0; k < AE_KILL_SHOTS; k++) deliverShot(cell, nowMs - (AE_KILL_SHOTS - 1 - k) * 250, events);
    cell.feedMode = 'overfeed';
    cell.anodeEffect.nextKillAtMs = nowMs + 30_000;
  }
}
