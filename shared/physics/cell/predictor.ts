/**
 * Cheap steady-state predictor for the optimiser (well under 1 ms per call once warm) and the reduced thermal model
 * behind it, calibrated against the 2D coupled model.
 *
 * "Steady" means: the bath chemistry after `durationH` hours under the new set points (AlF3 by addition − first-order
 * loss, alumina by open-loop feeding − Faraday consumption, both exact), and the thermal state the cell settles to
 * with that chemistry, including the ledge ↔ chemistry feedback (a thicker ledge freezes cryolite out of the bath,
 * raising excess AlF3 and lowering the liquidus). whatIf() reports exactly these values as its steady values.
 *
 * Reduced thermal model (one bath temperature T):
 *   Q_gen(T) = I·(V_cell(T) − V_ext) − ṁ_Al·E_rx = G_other·(T − t_amb) + A_side·q_side(T)
 *   q_side  = h·(T − T_liq) with a ledge δ = k_l·((T_liq − t_amb)/q_side − R_out) ≥ 0, or, without ledge,
 *             (T − t_amb)/(1/h + R_out)
 *   ledge mass = ρ·A_side·δ + m_offset
 * G_other, R_out and m_offset are taken from the 2D model's steady base state (calibrateReducedModel).
 */
import { aluminaConsumptionKgPerS, aluminiumRateKgPerS, specificEnergyKWhPerKg } from '../constants.js';
import { PhysicsError } from '../errors.js';
import { cellVoltageBreakdown, type CellVoltageBreakdown } from '../electrochemistry/cell-voltage.js';
import { AluminaModel } from '../mass/alumina.js';
import { aluminaSaturationPct, liquidusC, liquidusUncheckedC, type BathComposition } from '../properties/bath.js';
import { BATH_DENSITY_KG_M3 } from '../properties/density.js';
import { brentRoot } from '../solvers/scalar.js';
import {
  compositionOf,
  evolveAlf3Kg,
  inventoryFrom,
  liquidBathMassKg,
  maxLedgeKg,
  type BathInventory,
} from './chemistry.js';
import { checkSetPoints } from './coupled.js';
import { BASE_DESIGN, BASE_STATE, type CellDesign, type CellState, type SetPoints } from './design.js';

export interface ReducedThermalModel {
  /** Ledge-covered side area (both long sides × wetted height), m². */
  sideAreaM2: number;
  bathToLedgeWPerM2K: number;
  ledgeConductivityWPerMK: number;
  /** Resistance from the ledge's cold face to ambient (lining + shell film, 2D effects included), m²·K/W. */
  outerResistanceM2KPerW: number;
  /** Conductance of every other path from the bath to ambient, W/K. */
  otherConductanceWPerK: number;
  ambientC: number;
  /** Frozen bath the 2D model holds besides the side ledge (crust corners), kg. */
  ledgeMassOffsetKg: number;
  /** The ledge cannot grow beyond the side channel, m (default: the design's side channel width). */
  maxLedgeThicknessM?: number;
}

export interface SteadyPrediction {
  status: 'steady' | 'freezing' | 'overheating';
  cellVoltageV: number;
  secKWhPerKg: number;
  /** The model's current-efficiency assumption, -. */
  currentEfficiency: number;
  /** Superheat, K (reported under the plant's name). */
  superheatC: number;
  bathTempC: number;
  liquidusC: number;
  ledgeThicknessM: number;
  ledgeMassKg: number;
  aluminaMeanPct: number;
  aluminaMinPct: number;
  aluminaMaxPct: number;
  /** 0 … 1: see anodeEffectRiskFromMargin (anode-weighted alumina, lowest point of the feed cycle, vs C_AE). */
  anodeEffectRisk: number;
  productionKgPerDay: number;
  alf3Pct: number;
  bathMassKg: number;
  bath: BathComposition;
  /** Alumina fed − consumed per day at these set points, kg/day (negative: the bath is being depleted). */
  feedBalanceKgPerDay: number;
  /** Undissolved alumina beyond saturation (sludge) at the end of the horizon, kg. */
  sludgeKg: number;
  heatGeneratedW: number;
  heatLossSideW: number;
  heatLossOtherW: number;
  voltage: CellVoltageBreakdown;
}

export interface PredictInput {
  setPoints: SetPoints;
  /** The cell's state before the change (steady under state.setPoints); default BASE_STATE. */
  state?: CellState;
  /** Horizon over which the chemistry evolves, h (default 24). */
  durationH?: number;
  design?: CellDesign;
  reduced?: ReducedThermalModel;
}

/**
 * Reduced model of the default design, from its 2D steady base state (BASE_STATE: 126 kA, ACD 2.9 cm; 2D steady
 * bath 967.99 °C, ledge 0.139 m). Reproduced by calibrateReducedModel(BASE_DESIGN) — see predictor.test.ts.
 */
export const DEFAULT_REDUCED_MODEL: ReducedThermalModel = Object.freeze({
  sideAreaM2: 2 * BASE_DESIGN.cellLengthM * (BASE_DESIGN.crossSection.metalPadM + BASE_DESIGN.crossSection.bathDepthM),
  bathToLedgeWPerM2K: BASE_DESIGN.thermal.bathToLedgeWPerM2K,
  ledgeConductivityWPerMK: BASE_DESIGN.thermal.ledgeConductivityWPerMK,
  outerResistanceM2KPerW: 0.080057,
  otherConductanceWPerK: 283.32,
  ambientC: BASE_DESIGN.thermal.ambientC,
  ledgeMassOffsetKg: 0,
  maxLedgeThicknessM: BASE_DESIGN.crossSection.sideChannelM,
});

/** Hook so that calibration can live next to the 2D model without an import cycle. */
export type SteadyBaseProvider = (
  design: CellDesign,
  state: CellState,
) => { bathTempC: number; ledgeThicknessM: number; frozenMassKg: number; heatGeneratedW: number };

/** Builds the reduced model from a 2D steady base state (fixed chemistry). */
export function reducedModelFromBase(
  design: CellDesign,
  state: CellState,
  base: ReturnType<SteadyBaseProvider>,
): ReducedThermalModel {
  const sideAreaM2 = 2 * design.cellLengthM * (design.crossSection.metalPadM + design.crossSection.bathDepthM);
  const h = design.thermal.bathToLedgeWPerM2K;
  const kl = design.thermal.ledgeConductivityWPerMK;
  const tAmb = design.thermal.ambientC;
  const tLiq = liquidusC(state.bath);
  const sh = base.bathTempC - tLiq;
  if (!(sh > 0)) throw new PhysicsError('ERR-PHYS-RANGE', 'superheatK', `2D base state has no superheat (${sh} K)`, sh);
  const q = h * sh;
  const rOut = (tLiq - tAmb) / q - base.ledgeThicknessM / kl;
  const qSide = q * sideAreaM2;
  return {
    sideAreaM2,
    bathToLedgeWPerM2K: h,
    ledgeConductivityWPerMK: kl,
    outerResistanceM2KPerW: rOut,
    otherConductanceWPerK: (base.heatGeneratedW - qSide) / (base.bathTempC - tAmb),
    ambientC: tAmb,
    ledgeMassOffsetKg: base.frozenMassKg - BATH_DENSITY_KG_M3 * sideAreaM2 * base.ledgeThicknessM,
    maxLedgeThicknessM: design.crossSection.sideChannelM,
  };
}

function sideState(m: ReducedThermalModel, tb: number, tl: number): { q: number; delta: number } {
  const dMax = m.maxLedgeThicknessM ?? 0.35;
  const sh = tb - tl;
  const qFull =
    (tb - m.ambientC) / (1 / m.bathToLedgeWPerM2K + dMax / m.ledgeConductivityWPerMK + m.outerResistanceM2KPerW);
  if (sh <= 0) return { q: qFull, delta: dMax };
  const q = m.bathToLedgeWPerM2K * sh;
  const delta = m.ledgeConductivityWPerMK * ((tl - m.ambientC) / q - m.outerResistanceM2KPerW);
  if (delta >= dMax) return { q: qFull, delta: dMax };
  if (delta > 0) return { q, delta };
  return { q: (tb - m.ambientC) / (1 / m.bathToLedgeWPerM2K + m.outerResistanceM2KPerW), delta: 0 };
}

/**
 * A steady state is not evaluated inside an anode effect (it is quenched within minutes): the voltage of a predicted
 * steady state uses at least C_AE + this margin, wt %; the risk and the alumina figures still show the depletion.
 */
export const STEADY_ALUMINA_FLOOR_MARGIN_PCT = 0.2;

function voltageAt(design: CellDesign, sp: SetPoints, tb: number, bathIn: BathComposition): CellVoltageBreakdown {
  const t = Math.min(Math.max(tb, 900), 1100);
  const bath = {
    ...bathIn,
    aluminaPct: Math.max(bathIn.aluminaPct, design.aluminaAtAnodeEffectPct + STEADY_ALUMINA_FLOOR_MARGIN_PCT),
  };
  const cSat = aluminaSaturationPct(bath, t);
  return cellVoltageBreakdown({
    lineCurrentKA: sp.lineCurrentKA,
    acdCm: sp.acdCm,
    bathTempC: t,
    bath: { ...bath, aluminaPct: Math.min(bath.aluminaPct, cSat) },
    geometry: design.geometry,
    resistancesMicroOhm: design.resistancesMicroOhm,
    aluminaAtAnodeEffectPct: design.aluminaAtAnodeEffectPct,
    conductivityCorrelation: design.conductivityCorrelation,
  });
}

function generatedW(design: CellDesign, sp: SetPoints, v: CellVoltageBreakdown): number {
  const I = sp.lineCurrentKA * 1000;
  return (
    I * (v.cellVoltageV - v.externalOhmicV) -
    aluminiumRateKgPerS(I, design.currentEfficiency) * design.reactionEnergyKWhPerKg * 3.6e6
  );
}

/** Mean undissolved alumina a steady feeding cycle carries, kg: (1 − fast)·shot/τ / k. */
export function undissolvedPoolKg(design: CellDesign, feedIntervalS: number): number {
  return ((1 - design.alumina.fastFraction) * design.shotMassKg) / feedIntervalS / design.alumina.slowRatePerS;
}

interface ThermalSolution {
  status: SteadyPrediction['status'];
  tb: number;
  tl: number;
  delta: number;
  inv: BathInventory;
  comp: BathComposition;
  v: CellVoltageBreakdown;
  gen: number;
  side: number;
  other: number;
}

/**
 * Steady thermal state for an inventory whose ledge mass follows the ledge thickness (chemistry feedback on), or
 * with the liquidus held (feedback off, used to find the starting ledge).
 */
function solveThermal(
  design: CellDesign,
  m: ReducedThermalModel,
  sp: SetPoints,
  inv: BathInventory,
  feedback: boolean,
  guessTb: number,
): ThermalSolution {
  const ledgeCap = maxLedgeKg(inv);
  const withLedge = (delta: number): BathInventory => ({
    ...inv,
    ledgeKg: Math.min(BATH_DENSITY_KG_M3 * m.sideAreaM2 * delta + m.ledgeMassOffsetKg, ledgeCap),
  });
  const fixedComp = feedback ? null : compositionOf(inv);
  const fixedTl = fixedComp ? liquidusC(fixedComp) : 0;
  // liquidus consistent with the ledge the side balance gives at bath temperature tb
  const liquidusAt = (tb: number): { tl: number; delta: number; inv: BathInventory } => {
    if (!feedback) return { tl: fixedTl, delta: sideState(m, tb, fixedTl).delta, inv };
    const g = (tl: number): number => {
      const d = sideState(m, tb, tl).delta;
      const i = withLedge(Number.isFinite(d) ? d : 1e3);
      return tl - liquidusUncheckedC(compositionOf(i));
    };
    const hi = tb - 1e-6;
    let lo = tb - 60;
    if (g(hi) < 0) {
      // even an infinitely thick ledge cannot bring the liquidus below tb: the ledge takes all it may
      const i = withLedge(1e3);
      const tl = liquidusUncheckedC(compositionOf(i));
      return { tl, delta: (i.ledgeKg - m.ledgeMassOffsetKg) / (BATH_DENSITY_KG_M3 * m.sideAreaM2), inv: i };
    }
    if (g(lo) > 0) lo = tb - 400;
    const tl = brentRoot(g, lo, hi, 1e-4, 200, 'liquidusC').x;
    const d = sideState(m, tb, tl).delta;
    return { tl, delta: d, inv: withLedge(d) };
  };
  const evaluate = (tb: number): ThermalSolution => {
    const l = liquidusAt(tb);
    const comp = compositionOf(l.inv);
    const v = voltageAt(design, sp, tb, comp);
    const gen = generatedW(design, sp, v);
    const side = sideState(m, tb, l.tl).q * m.sideAreaM2;
    const other = m.otherConductanceWPerK * (tb - m.ambientC);
    return {
      status: 'steady',
      tb,
      tl: l.tl,
      delta: Number.isFinite(l.delta) ? l.delta : 0,
      inv: l.inv,
      comp,
      v,
      gen,
      side,
      other,
    };
  };
  const f = (tb: number) => {
    try {
      const e = evaluate(tb);
      return e.gen - e.side - e.other;
    } catch (err) {
      // a probe whose chemistry leaves the correlations' window (e.g. a bath frozen almost through at 900 °C):
      // far from the solution; report the side of the balance it lies on
      if (err instanceof PhysicsError && err.code === 'ERR-PHYS-RANGE') return tb < 1000 ? -1e12 : 1e12;
      throw err;
    }
  };
  const tMin = feedback ? 900 : Math.max(900, fixedTl + 1e-3);
  const tMax = 1100;
  // Walk outwards from the guess (the state's own temperature) to the nearest stable root (f falling through 0):
  // f is not monotone over the whole window (an anode effect or a vanishing ledge make it jump), so a global
  // bracket can miss the operating point the cell actually moves to.
  const stepK = 4;
  let t = Math.min(Math.max(guessTb, tMin), tMax);
  const ft = f(t);
  let lo: number;
  let hi: number;
  if (ft > 0) {
    for (;;) {
      const next = Math.min(t + stepK, tMax);
      const fn = f(next);
      if (fn <= 0) {
        lo = t;
        hi = next;
        break;
      }
      if (next >= tMax) return { ...evaluate(tMax), status: 'overheating' };
      t = next;
    }
  } else {
    for (;;) {
      const next = Math.max(t - stepK, tMin);
      const fn = f(next);
      if (fn >= 0) {
        lo = next;
        hi = t;
        break;
      }
      if (next <= tMin) return { ...evaluate(tMin), status: 'freezing' };
      t = next;
    }
  }
  const tb = brentRoot(f, lo, hi, 1e-4, 200, 'bathTempC').x;
  return evaluate(tb);
}

const deviationCache = new Map<string, { min: number; max: number; anodeMeanMin: number }>();

/**
 * Spatial-and-cycle alumina range around the mean in a periodic feeding cycle, wt % (from the plan-view alumina model,
 * cached per design, feed interval and current, both rounded: 5 s and 2 kA).
 */
export function aluminaCycleDeviation(
  design: CellDesign,
  feedIntervalS: number,
  lineCurrentKA: number,
  bathMassKg: number,
): { min: number; max: number; anodeMeanMin: number } {
  const tau = Math.max(10, Math.round(feedIntervalS / 5) * 5);
  const ka = Math.round(lineCurrentKA / 2) * 2;
  const key = `${JSON.stringify(design.alumina)}|${design.shotMassKg}|${tau}|${ka}|${Math.round(bathMassKg / 50)}`;
  const hit = deviationCache.get(key);
  if (hit) return hit;
  const a = design.alumina;
  const model = new AluminaModel({
    lengthM: a.lengthM,
    widthM: a.widthM,
    nx: a.nx,
    ny: a.ny,
    bathMassKg,
    bathDensityKgM3: BATH_DENSITY_KG_M3,
    dispersionM2PerS: a.dispersionM2PerS,
    circulationMPerS: a.circulationMPerS,
    initialAluminaPct: 5,
    feeders: a.feeders,
    fastFraction: a.fastFraction,
    slowRatePerS: a.slowRatePerS,
    shotFootprintRadiusM: a.shotFootprintRadiusM,
  });
  const I = ka * 1000;
  let min = Infinity;
  let max = -Infinity;
  let meanMin = Infinity;
  let meanSum = 0;
  let meanCount = 0;
  const samples: number[] = [];
  const cycles = 4 * design.alumina.feeders.length;
  const dtMax = Math.min(30, tau / 4);
  for (let c = 0; c < cycles; c++) {
    model.feed(design.shotMassKg);
    let t = 0;
    while (t < tau - 1e-9) {
      const dt = Math.min(dtMax, tau - t);
      model.step(dt, I, design.currentEfficiency);
      t += dt;
      if (c >= cycles - design.alumina.feeders.length) {
        const s = model.stats();
        samples.push(s.minPct, s.maxPct, model.anodeMeanPct());
        meanSum += s.meanPct;
        meanCount++;
      }
    }
  }
  // deviations from the cycle-average dissolved mean (the level the mass balance predicts)
  const avg = meanSum / meanCount;
  for (let k = 0; k < samples.length; k += 3) {
    min = Math.min(min, samples[k]! - avg);
    max = Math.max(max, samples[k + 1]! - avg);
    meanMin = Math.min(meanMin, samples[k + 2]! - avg);
  }
  const out = { min, max, anodeMeanMin: meanMin };
  deviationCache.set(key, out);
  if (deviationCache.size > 5000) deviationCache.delete(deviationCache.keys().next().value!);
  return out;
}

/** Margin above C_AE, wt %, beyond which the anode-effect risk is taken as zero. */
export const ANODE_EFFECT_MARGIN_SCALE_PCT = 0.5;

/**
 * Anode-effect risk from the margin of the alumina the anodes see (anode-weighted mean, at its lowest in the feed
 * cycle) above C_AE: 1 at or below C_AE, 0 from 0.5 wt % above, a smoothstep between.
 */
export function anodeEffectRiskFromMargin(marginPct: number): number {
  if (!(marginPct > 0)) return 1;
  if (marginPct >= ANODE_EFFECT_MARGIN_SCALE_PCT) return 0;
  const x = marginPct / ANODE_EFFECT_MARGIN_SCALE_PCT;
  return 1 - x * x * (3 - 2 * x);
}

const startCache = new Map<string, { inv: BathInventory; tb: number }>();

/** The starting inventory: the state's bath with the ledge of its steady state under state.setPoints. */
function startInventory(
  design: CellDesign,
  m: ReducedThermalModel,
  state: CellState,
): { inv: BathInventory; tb: number } {
  const key = JSON.stringify([state, m, design.geometry, design.resistancesMicroOhm]);
  const hit = startCache.get(key);
  if (hit) return { inv: { ...hit.inv }, tb: hit.tb };
  const inv0 = inventoryFrom(state.bath, state.bathMassKg, 0);
  const sol = solveThermal(design, m, state.setPoints, inv0, false, liquidusC(state.bath) + 5);
  const ledgeKg = BATH_DENSITY_KG_M3 * m.sideAreaM2 * sol.delta + m.ledgeMassOffsetKg;
  const inv = inventoryFrom(state.bath, state.bathMassKg, Math.max(ledgeKg, 0));
  startCache.set(key, { inv, tb: sol.tb });
  if (startCache.size > 1000) startCache.delete(startCache.keys().next().value!);
  return { inv: { ...inv }, tb: sol.tb };
}

/** Chemistry after the horizon: AlF3 and the alumina balance (open-loop shots every τ from t = τ). */
export function evolveInventory(
  design: CellDesign,
  state: CellState,
  sp: SetPoints,
  start: BathInventory,
  durationH: number,
): { inv: BathInventory; sludgeKg: number; feedBalanceKgPerDay: number } {
  const inv = { ...start };
  inv.alf3Kg = evolveAlf3Kg(inv.alf3Kg, sp.alf3AdditionKgPerDay, design.alf3LossRatePerDay, durationH);
  const seconds = durationH * 3600;
  const shots = Math.floor(seconds / sp.feedIntervalS + 1e-9);
  const consumption = aluminaConsumptionKgPerS(sp.lineCurrentKA * 1000, design.currentEfficiency);
  // total (dissolved + undissolved) at the start: the state's dissolved level plus the pool its feeding carried
  const total0 = inv.aluminaKg + undissolvedPoolKg(design, state.setPoints.feedIntervalS);
  const total = total0 + shots * design.shotMassKg - consumption * seconds;
  const pool = undissolvedPoolKg(design, sp.feedIntervalS);
  let dissolved = Math.max(total - pool, 0);
  // saturation cap (at the liquid mass and a nominal 960 °C; the dissolved excess stays as sludge)
  const liquid = liquidBathMassKg({ ...inv, aluminaKg: 0 });
  const compNoAl = compositionOf({ ...inv, aluminaKg: 0 });
  const cap =
    ((aluminaSaturationPct({ ...compNoAl, aluminaPct: 0 }, 960) / 100) * liquid) /
    (1 - aluminaSaturationPct({ ...compNoAl, aluminaPct: 0 }, 960) / 100);
  let sludgeKg = 0;
  if (dissolved > cap) {
    sludgeKg = dissolved - cap;
    dissolved = cap;
  }
  inv.aluminaKg = dissolved;
  return { inv, sludgeKg, feedBalanceKgPerDay: (design.shotMassKg / sp.feedIntervalS - consumption) * 86400 };
}

/**
 * Steady-state prediction for set points (see the module comment). Pure and fast: a few hundred correlation
 * evaluations; the alumina deviation table is computed once per (design, τ, current) and cached.
 */
export function predictSteadyState(input: PredictInput): SteadyPrediction {
  const design = input.design ?? BASE_DESIGN;
  const state = input.state ?? BASE_STATE;
  const m =
    input.reduced ??
    (design === BASE_DESIGN ? DEFAULT_REDUCED_MODEL : (reducedModelCache.get(design) ?? DEFAULT_REDUCED_MODEL));
  const sp = input.setPoints;
  checkSetPoints(sp);
  checkSetPoints(state.setPoints, 'state.setPoints');
  const durationH = input.durationH ?? 24;
  if (!(durationH >= 0) || !Number.isFinite(durationH))
    throw new PhysicsError('ERR-PHYS-RANGE', 'durationH', `durationH must be ≥ 0, got ${durationH}`, durationH);
  const start = startInventory(design, m, state);
  const evo = evolveInventory(design, state, sp, start.inv, durationH);
  const sol = solveThermal(design, m, sp, evo.inv, true, start.tb);
  const meanPct = sol.comp.aluminaPct;
  const dev = aluminaCycleDeviation(design, sp.feedIntervalS, sp.lineCurrentKA, liquidBathMassKg(sol.inv));
  const minPct = Math.max(meanPct + dev.min, 0);
  const maxPct = meanPct + dev.max;
  // the start of the horizon counts too: the new feeding cycle around the state's level
  const anodeMin = Math.min(meanPct, state.bath.aluminaPct) + dev.anodeMeanMin;
  const risk = anodeEffectRiskFromMargin(anodeMin - design.aluminaAtAnodeEffectPct);
  const ce = design.currentEfficiency;
  return {
    status: sol.status,
    cellVoltageV: sol.v.cellVoltageV,
    secKWhPerKg: specificEnergyKWhPerKg(sol.v.cellVoltageV, ce),
    currentEfficiency: ce,
    superheatC: sol.tb - sol.tl,
    bathTempC: sol.tb,
    liquidusC: sol.tl,
    ledgeThicknessM: sol.delta,
    ledgeMassKg: sol.inv.ledgeKg,
    aluminaMeanPct: meanPct,
    aluminaMinPct: minPct,
    aluminaMaxPct: maxPct,
    anodeEffectRisk: sol.v.anodeEffect || meanPct <= design.aluminaAtAnodeEffectPct ? 1 : risk,
    productionKgPerDay: aluminiumRateKgPerS(sp.lineCurrentKA * 1000, ce) * 86400,
    alf3Pct: sol.comp.alf3Pct,
    bathMassKg: liquidBathMassKg(sol.inv),
    bath: sol.comp,
    feedBalanceKgPerDay: evo.feedBalanceKgPerDay,
    sludgeKg: evo.sludgeKg,
    heatGeneratedW: sol.gen,
    heatLossSideW: sol.side,
    heatLossOtherW: sol.other,
    voltage: sol.v,
  };
}

/** Reduced models of non-default designs, registered by calibrateReducedModel (cell/calibrate-reduced.ts). */
export const reducedModelCache = new WeakMap<CellDesign, ReducedThermalModel>();
