/**
 * Cell voltage breakdown of a Hall–Héroult cell (Haupin 1998, "Interpreting the components of cell voltage",
 * Light Metals 1998, 531–537), exactly as PHYSICS.md §Cell voltage breakdown states it.
 *
 * Anode-effect policy (PHYSICS.md: "report it; never a NaN"). The cell is flagged `anodeEffect: true` when
 *  - the alumina is at or below the anode-effect concentration (C ≤ C_AE), or
 *  - the anode current density reaches the critical current density (i ≥ i_c), or
 *  - the bubble coverage reaches full coverage (θ ≥ 1 by the correlation).
 * Haupin's terms describe the normal (bubble) regime only, so in an anode effect every term stays finite:
 * concentration-dependent terms are evaluated at max(C, C_AE), η_ca at i = ANODE_EFFECT_ONSET_RATIO·i_c and θ is
 * capped at MAX_BUBBLE_COVERAGE; with θ → 0.99 the bubble term alone is tens of volts, i.e. the anode-effect spike.
 */
import { celsiusToKelvin, FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from '../constants.js';
import { checkPositive, checkRange, PhysicsError, type ValidRange } from '../errors.js';
import {
  aluminaActivityFromRatio,
  aluminaSaturationPct,
  bathConductivitySPerCm,
  bathRatio,
  checkBathTempC,
  checkComposition,
  liquidusC,
  type BathComposition,
  type ConductivityCorrelation,
} from '../properties/bath.js';

export interface CellGeometry {
  /** Total geometric anode area A_anode, cm². */
  anodeAreaCm2: number;
  /** Number of anodes n (A₁ = A_anode/n). */
  anodeCount: number;
  /** Fanning factor f = effective/geometric anode area, -. */
  fanningFactor: number;
  /** Cathode (metal pad) area carrying the current, cm². */
  cathodeAreaCm2: number;
}

export interface CellResistancesMicroOhm {
  /** Anode assembly resistance (rods, stubs, carbon), µΩ. */
  anode: number;
  /** Cathode (blocks, collector bars) resistance, µΩ. */
  cathode: number;
  /** External (busbar share) resistance, µΩ. */
  external: number;
}

/** Input of cellVoltageBreakdown — the shape of issue 3 item 2 (plus an optional conductivity selector). */
export interface CellVoltageInput {
  /** Line current I, kA. */
  lineCurrentKA: number;
  /** Anode–cathode distance, cm. */
  acdCm: number;
  /** Bath temperature, °C. */
  bathTempC: number;
  bath: BathComposition;
  geometry: CellGeometry;
  resistancesMicroOhm: CellResistancesMicroOhm;
  /** Alumina concentration at which the anode effect sets in, C_AE, wt % (PHYSICS.md: ≈ 1.8). */
  aluminaAtAnodeEffectPct: number;
  /** Bath conductivity correlation: 'haupin' (default, PHYSICS.md's form for the breakdown) or 'hives'. */
  conductivityCorrelation?: ConductivityCorrelation;
}

/** Output of cellVoltageBreakdown: every term in volts, plus the named diagnostics. */
export interface CellVoltageBreakdown {
  reversibleV: number;
  anodeSurfaceV: number;
  anodeConcentrationV: number;
  cathodeConcentrationV: number;
  bathOhmicV: number;
  bubbleOhmicV: number;
  anodeOhmicV: number;
  cathodeOhmicV: number;
  externalOhmicV: number;
  cellVoltageV: number;
  anodeCurrentDensityAcm2: number;
  criticalCurrentDensityAcm2: number;
  bathConductivitySPerCm: number;
  anodeEffect: boolean;
  /** Further diagnostics. */
  cathodeCurrentDensityAcm2: number;
  bathRatio: number;
  aluminaSaturationPct: number;
  aluminaActivity: number;
  exchangeCurrentDensityAcm2: number;
  bubbleThicknessCm: number;
  bubbleCoverage: number;
  liquidusC: number;
  superheatK: number;
}

/** Fraction of i_c at which η_ca is evaluated during an anode effect (keeps ln(i_c/(i_c − i)) finite), -. */
export const ANODE_EFFECT_ONSET_RATIO = 0.99;
/** Cap on the bubble coverage θ, - (θ ≥ 1 means a fully covered anode: anode effect). */
export const MAX_BUBBLE_COVERAGE = 0.99;

/** Validity of the breakdown's scalar inputs (industrial Hall–Héroult range of Haupin's data). */
export const CELL_VOLTAGE_RANGES = {
  lineCurrentKA: { min: 1, max: 1000, unit: 'kA' },
  acdCm: { min: 0.5, max: 10, unit: 'cm', source: 'anode–cathode distance of industrial cells' },
  anodeCurrentDensityAcm2: { min: 0.05, max: 3, unit: 'A/cm²', source: 'range of the Tafel and bubble correlations' },
  fanningFactor: { min: 1, max: 2, unit: '-' },
  anodeCount: { min: 1, max: 200, unit: '-' },
  aluminaAtAnodeEffectPct: { min: 0.5, max: 4, unit: 'wt %' },
  resistanceMicroOhm: { min: 0, max: 1000, unit: 'µΩ' },
} as const satisfies Record<string, ValidRange>;

/** Haupin's anode exchange current density i₀ = 0.0029·C^0.56, A/cm² (C in wt % Al2O3). */
export function anodeExchangeCurrentDensityAcm2(aluminaPct: number): number {
  checkPositive('aluminaPct', aluminaPct);
  return 0.0029 * aluminaPct ** 0.56;
}

/**
 * Critical current density (Grjotheim & Welch, Aluminium Smelter Technology):
 * i_c = 0.0001·(550000 + 1800·(T_K − 1323))·((C/100)^0.5 − 0.04)·A₁^−0.1, A/cm² (A₁ single-anode area, cm²).
 * Non-positive for C ≤ 0.16 wt % (no alumina left to carry the current).
 */
export function criticalCurrentDensityAcm2(aluminaPct: number, bathTempK: number, singleAnodeAreaCm2: number): number {
  checkPositive('aluminaPct', aluminaPct, true);
  checkPositive('bathTempK', bathTempK);
  checkPositive('singleAnodeAreaCm2', singleAnodeAreaCm2);
  return (
    0.0001 * (550000 + 1800 * (bathTempK - 1323)) * ((aluminaPct / 100) ** 0.5 - 0.04) * singleAnodeAreaCm2 ** -0.1
  );
}

/** Reversible potential E_rev = 1.896 − 0.000572·T_K + (R·T_K/12F)·ln(1/a²), V. */
export function reversiblePotentialV(bathTempK: number, aluminaActivity: number): number {
  checkPositive('aluminaActivity', aluminaActivity);
  return (
    1.896 -
    0.000572 * bathTempK +
    ((GAS_CONSTANT_J_PER_MOL_K * bathTempK) / (12 * FARADAY_C_PER_MOL)) *
      Math.log(1 / (aluminaActivity * aluminaActivity))
  );
}

/** Bubble layer thickness d_b = (0.5517 + i)/(1 + 2.167·i), cm. */
export function bubbleThicknessCm(anodeCurrentDensityAcm2: number): number {
  const i = anodeCurrentDensityAcm2;
  return (0.5517 + i) / (1 + 2.167 * i);
}

/**
 * Bubble coverage (Haupin): θ = 0.9·[0.509 + 0.1823 i − 0.1723 i² + 0.05504 i³ + (0.4322 − 0.3781·BR)/(1 + 1.637·BR)
 * + (0.431 − 0.1437·Δ)/(1 + 7.353·Δ)], Δ = C − C_AE (wt %). Returned uncapped; Δ must be ≥ 0 (the correlation is
 * singular at Δ = −0.136).
 */
export function bubbleCoverage(
  anodeCurrentDensityAcm2: number,
  bathRatioValue: number,
  aluminaAboveAnodeEffectPct: number,
): number {
  const i = anodeCurrentDensityAcm2;
  const br = bathRatioValue;
  const d = aluminaAboveAnodeEffectPct;
  if (!(d >= 0))
    throw new PhysicsError('ERR-PHYS-RANGE', 'aluminaAboveAnodeEffectPct', `Δ = C − C_AE must be ≥ 0, got ${d}`, d);
  return (
    0.9 *
    (0.509 +
      0.1823 * i -
      0.1723 * i * i +
      0.05504 * i * i * i +
      (0.4322 - 0.3781 * br) / (1 + 1.637 * br) +
      (0.431 - 0.1437 * d) / (1 + 7.353 * d))
  );
}

/** Validates a CellVoltageInput; throws PhysicsError ERR-PHYS-RANGE naming the offending field. */
export function checkCellVoltageInput(input: CellVoltageInput): void {
  if (input === null || typeof input !== 'object')
    throw new PhysicsError('ERR-PHYS-RANGE', 'input', 'cellVoltageBreakdown needs an input object');
  checkRange('lineCurrentKA', input.lineCurrentKA, CELL_VOLTAGE_RANGES.lineCurrentKA);
  checkRange('acdCm', input.acdCm, CELL_VOLTAGE_RANGES.acdCm);
  checkBathTempC(input.bathTempC);
  if (!input.bath) throw new PhysicsError('ERR-PHYS-RANGE', 'bath', 'bath composition is required');
  checkComposition(input.bath);
  const g = input.geometry;
  if (!g) throw new PhysicsError('ERR-PHYS-RANGE', 'geometry', 'geometry is required');
  checkPositive('geometry.anodeAreaCm2', g.anodeAreaCm2);
  checkPositive('geometry.cathodeAreaCm2', g.cathodeAreaCm2);
  checkRange('geometry.fanningFactor', g.fanningFactor, CELL_VOLTAGE_RANGES.fanningFactor);
  checkRange('geometry.anodeCount', g.anodeCount, CELL_VOLTAGE_RANGES.anodeCount);
  if (!Number.isInteger(g.anodeCount))
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'geometry.anodeCount',
      `anodeCount must be an integer, got ${g.anodeCount}`,
      g.anodeCount,
    );
  const r = input.resistancesMicroOhm;
  if (!r) throw new PhysicsError('ERR-PHYS-RANGE', 'resistancesMicroOhm', 'resistancesMicroOhm is required');
  checkRange('resistancesMicroOhm.anode', r.anode, CELL_VOLTAGE_RANGES.resistanceMicroOhm);
  checkRange('resistancesMicroOhm.cathode', r.cathode, CELL_VOLTAGE_RANGES.resistanceMicroOhm);
  checkRange('resistancesMicroOhm.external', r.external, CELL_VOLTAGE_RANGES.resistanceMicroOhm);
  checkRange('aluminaAtAnodeEffectPct', input.aluminaAtAnodeEffectPct, CELL_VOLTAGE_RANGES.aluminaAtAnodeEffectPct);
}

/**
 * The full cell-voltage breakdown. Throws PhysicsError (ERR-PHYS-RANGE, naming the field) for inputs outside the valid
 * ranges; an anode effect is a flagged state, not an error. Never returns NaN.
 */
export function cellVoltageBreakdown(input: CellVoltageInput): CellVoltageBreakdown {
  checkCellVoltageInput(input);
  const { geometry: g, bath } = input;
  const currentA = input.lineCurrentKA * 1000;
  const tK = celsiusToKelvin(input.bathTempC);
  const effectiveAnodeAreaCm2 = g.fanningFactor * g.anodeAreaCm2;
  const i = currentA / effectiveAnodeAreaCm2;
  checkRange('anodeCurrentDensityAcm2', i, CELL_VOLTAGE_RANGES.anodeCurrentDensityAcm2);
  const iCath = currentA / g.cathodeAreaCm2;
  const singleAnodeAreaCm2 = g.anodeAreaCm2 / g.anodeCount;
  const cAE = input.aluminaAtAnodeEffectPct;
  const c = bath.aluminaPct;

  const cSat = aluminaSaturationPct(bath, input.bathTempC);
  if (c > cSat) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'bath.aluminaPct',
      `alumina ${c} wt % exceeds saturation ${cSat.toFixed(3)} wt % at ${input.bathTempC} °C`,
      c,
      [0, cSat],
    );
  }
  // Concentration-dependent terms are evaluated no lower than the anode-effect concentration (see policy above).
  const cEff = Math.max(c, cAE);
  const bathEff: BathComposition = cEff === c ? bath : { ...bath, aluminaPct: cEff };
  if (cEff > cSat) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'aluminaAtAnodeEffectPct',
      `C_AE = ${cAE} wt % exceeds saturation ${cSat.toFixed(3)} wt %`,
      cAE,
    );
  }
  const br = bathRatio(bathEff);
  const kappa = bathConductivitySPerCm(bathEff, input.bathTempC, input.conductivityCorrelation ?? 'haupin');
  const activity = aluminaActivityFromRatio(cEff / cSat);

  const reversibleV = reversiblePotentialV(tK, activity);
  const i0 = anodeExchangeCurrentDensityAcm2(cEff);
  const anodeSurfaceV = (tK / 12533) * Math.log(i / i0);

  const ic = criticalCurrentDensityAcm2(c, tK, singleAnodeAreaCm2);
  let anodeEffect = c <= cAE || i >= ic;
  const icEff = criticalCurrentDensityAcm2(cEff, tK, singleAnodeAreaCm2);
  const ratio = Math.min(i / icEff, ANODE_EFFECT_ONSET_RATIO);
  const anodeConcentrationV = (tK / 23209) * Math.log(1 / (1 - (anodeEffect ? ANODE_EFFECT_ONSET_RATIO : ratio)));

  const cathodeConcentrationV = 5.744815304e-5 * tK * (1.375 - 0.25 * br) * Math.log(iCath / 0.257);

  const bathResistanceOhm = input.acdCm / (kappa * effectiveAnodeAreaCm2);
  const db = bubbleThicknessCm(i);
  const thetaRaw = bubbleCoverage(i, br, cEff - cAE);
  if (thetaRaw >= 1) anodeEffect = true;
  const theta = Math.min(Math.max(thetaRaw, 0), MAX_BUBBLE_COVERAGE);
  const bubbleResistanceOhm = (db * theta) / (kappa * effectiveAnodeAreaCm2 * (1 - theta));

  const r = input.resistancesMicroOhm;
  const bathOhmicV = currentA * bathResistanceOhm;
  const bubbleOhmicV = currentA * bubbleResistanceOhm;
  const anodeOhmicV = currentA * r.anode * 1e-6;
  const cathodeOhmicV = currentA * r.cathode * 1e-6;
  const externalOhmicV = currentA * r.external * 1e-6;
  const cellVoltageV =
    reversibleV +
    anodeConcentrationV +
    anodeSurfaceV +
    cathodeConcentrationV +
    anodeOhmicV +
    bathOhmicV +
    bubbleOhmicV +
    cathodeOhmicV +
    externalOhmicV;
  if (!Number.isFinite(cellVoltageV)) {
    throw new PhysicsError('ERR-PHYS-NONFINITE', 'cellVoltageV', 'cell voltage evaluated to a non-finite value');
  }
  const tLiq = liquidusC(bath);
  return {
    reversibleV,
    anodeSurfaceV,
    anodeConcentrationV,
    cathodeConcentrationV,
    bathOhmicV,
    bubbleOhmicV,
    anodeOhmicV,
    cathodeOhmicV,
    externalOhmicV,
    cellVoltageV,
    anodeCurrentDensityAcm2: i,
    criticalCurrentDensityAcm2: Math.max(ic, 0),
    bathConductivitySPerCm: kappa,
    anodeEffect,
    cathodeCurrentDensityAcm2: iCath,
    bathRatio: br,
    aluminaSaturationPct: cSat,
    aluminaActivity: activity,
    exchangeCurrentDensityAcm2: i0,
    bubbleThicknessCm: db,
    bubbleCoverage: theta,
    liquidusC: tLiq,
    superheatK: input.bathTempC - tLiq,
  };
}
