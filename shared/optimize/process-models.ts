/**
 * The process relations the optimiser needs beyond the voltage breakdown: current efficiency, anode-effect
 * frequency and emissions. Each is anchored at the cell's measured present value, so it only has to be right
 * about *changes* over one run's step (a few tenths of a cm, a few kelvin); its sensitivities are the published
 * ones named below.
 */
import { ANODE_CO2_T_PER_T_AL, PFPB_PFC_FACTORS, pfcSlopeMethod } from '../physics/emissions.js';

/** Reaction enthalpy plus raw-material heating as a voltage per unit CE, V: 6.34 kWh/kg Al (Grjotheim & Kvande,
 * Introduction to Aluminium Electrolysis, 2nd ed. 1993, minimum energy with carbon anodes) × 0.33557 kg/(kA·h). */
export const REACTION_VOLTAGE_EQUIVALENT_V = 2.1275;

/**
 * CE sensitivity to bath temperature, 1/K: CE falls 1.5–2 % per 10 K (Thonstad et al., Aluminium Electrolysis,
 * 3rd ed. 2001, current-efficiency chapter; Grjotheim & Kvande 1993). Lower end taken.
 */
export const CE_PER_K = -0.0015;
/** CE sensitivity to excess AlF3, 1/wt % (Solli, Haarberg, Sterten, Light Metals 1997: CE rises with excess AlF3; ≈ 0.5 %/wt %). */
export const CE_PER_ALF3_PCT = 0.005;
/**
 * Metal re-oxidation term, fraction·cm: CE loss ∝ 1/ACD (mass transfer of dissolved metal across the ACD falls as
 * the gap widens; Haupin's interpretation of the ACD effect). 0.1 gives +1.2 %/cm at 2.9 cm, +0.4 %/cm at 5 cm,
 * the flattening above 4–5 cm reported by Thonstad et al. 2001.
 */
export const CE_REOXIDATION_FRACTION_CM = 0.1;
/** CE is clipped to this physical range, -. */
export const CE_RANGE = { min: 0.8, max: 0.975 } as const;

export interface CeReference {
  currentEfficiency: number;
  bathTempC: number;
  alf3Pct: number;
  acdCm: number;
}

/**
 * Current efficiency at (bath temperature, excess AlF3, ACD), anchored at the cell's measured CE in its reference
 * state: CE = CE₀ + a_T·(T − T₀) + a_F·(AlF3 − AlF3₀) − b·(1/ACD − 1/ACD₀), clipped to CE_RANGE.
 * A Solli/Haupin-style sensitivity model, not a fitted regression: calibrate a_T, a_F, b on plant data.
 */
export function currentEfficiency(ref: CeReference, bathTempC: number, alf3Pct: number, acdCm: number): number {
  const ce =
    ref.currentEfficiency +
    CE_PER_K * (bathTempC - ref.bathTempC) +
    CE_PER_ALF3_PCT * (alf3Pct - ref.alf3Pct) -
    CE_REOXIDATION_FRACTION_CM * (1 / acdCm - 1 / ref.acdCm);
  return Math.min(CE_RANGE.max, Math.max(CE_RANGE.min, ce));
}

/**
 * Alumina e-folding of the anode-effect frequency, wt %: with point feeding the concentration swings ±0.3–0.4 wt %
 * around the target (the simulator's control band; Thonstad et al. 2001, alumina feeding), so each 0.3 wt % closer
 * to C_AE multiplies the chance an excursion reaches it by e.
 */
export const ANODE_EFFECT_ALUMINA_SCALE_PCT = 0.3;

/**
 * Anode-effect frequency, 1/cell-day, at an alumina target, anchored at the cell's present frequency and alumina:
 * AEF = AEF₀·exp(−(C − C₀)/s). Only the controllable (alumina-starvation) part moves; feeder chokes are in AEF₀.
 */
export function anodeEffectsPerCellDay(refPerCellDay: number, refAluminaPct: number, aluminaPct: number): number {
  return refPerCellDay * Math.exp(-(aluminaPct - refAluminaPct) / ANODE_EFFECT_ALUMINA_SCALE_PCT);
}

/** PFC emissions by the slope method, kg CO2e per tonne Al, from anode-effect minutes per cell-day. */
export function pfcCO2eKgPerTonneAl(anodeEffectMinutesPerCellDay: number): number {
  return pfcSlopeMethod(anodeEffectMinutesPerCellDay, 1, PFPB_PFC_FACTORS).co2eT * 1000;
}

export { ANODE_CO2_T_PER_T_AL };
