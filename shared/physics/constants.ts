/**
 * Physical constants and Faraday-law factors of PHYSICS.md §Constants. Units are in the names or comments.
 */

/** Faraday constant, C/mol (CODATA 2014 value as given in PHYSICS.md). */
export const FARADAY_C_PER_MOL = 96485.3329;
/** Molar gas constant, J/(mol·K) (PHYSICS.md). */
export const GAS_CONSTANT_J_PER_MOL_K = 8.3145;
/** Molar mass of aluminium, g/mol. */
export const MOLAR_MASS_AL_G_PER_MOL = 26.98;
/** Molar mass of alumina Al2O3, g/mol. */
export const MOLAR_MASS_AL2O3_G_PER_MOL = 101.96;
/** Kelvin offset, K. */
export const KELVIN_OFFSET_K = 273.15;

/** Faraday yield: kg Al per kA·h at 100 % current efficiency (PHYSICS.md; = 3600·M_Al/(3F)). */
export const FARADAY_YIELD_KG_PER_KAH = 0.33557;
/** Alumina consumed per kg Al produced, kg Al2O3/kg Al (PHYSICS.md; = M_Al2O3/(2·M_Al)). */
export const ALUMINA_PER_AL_KG_PER_KG = 1.8895;

/**
 * Alumina concentration at which the anode goes into effect, wt % (PHYSICS.md C_AE, the bubble term of the
 * cell-voltage model): a property of the cryolite bath, the same for every cell technology.
 */
export const ALUMINA_AT_ANODE_EFFECT_PCT = 1.8;

/** Hours per day, h/d. */
export const HOURS_PER_DAY_H = 24;
/** Seconds per hour, s/h. */
export const SECONDS_PER_HOUR_S = 3600;

export function celsiusToKelvin(tC: number): number {
  return tC + KELVIN_OFFSET_K;
}

/** Aluminium production rate, kg/s, for a line current in A and a current efficiency (0..1] (Faraday). */
export function aluminiumRateKgPerS(currentA: number, currentEfficiency: number): number {
  return (FARADAY_YIELD_KG_PER_KAH * (currentA / 1000) * currentEfficiency) / SECONDS_PER_HOUR_S;
}

/**
 * Alumina consumption rate, kg/s: M_Al2O3 · I · CE / (6F) with M in g/mol → /1000 for kg (PHYSICS.md).
 */
export function aluminaConsumptionKgPerS(currentA: number, currentEfficiency: number): number {
  return (MOLAR_MASS_AL2O3_G_PER_MOL * currentA * currentEfficiency) / (6 * FARADAY_C_PER_MOL) / 1000;
}

/** Specific energy consumption, kWh/kg Al: V_cell / (0.33557 · CE) (PHYSICS.md). */
export function specificEnergyKWhPerKg(cellVoltageV: number, currentEfficiency: number): number {
  return cellVoltageV / (FARADAY_YIELD_KG_PER_KAH * currentEfficiency);
}
