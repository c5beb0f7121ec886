/**
 * Constants of the simulated potline that are neither part of the cell-voltage model (which comes from shared/physics)
 * nor of a cell technology (which comes from the plant model: bath and metal inventory, ledge and cavity areas, shot
 * mass, current efficiency). Material properties and process physics only; each carries its unit and its source.
 */

/** Faraday yield (kg Al per kA·h) and alumina per kg Al: the physics engine's constants (PHYSICS.md §Constants). */
export { ALUMINA_PER_AL_KG_PER_KG, FARADAY_YIELD_KG_PER_KAH } from '../../shared/physics/constants.js';
/** Alumina concentration at which the cell-voltage model's bubble term treats the anode as in effect (PHYSICS.md C_AE). */
export { ALUMINA_AT_ANODE_EFFECT_PCT } from '../../shared/physics/constants.js';
/** Fraction of a feeder shot that dissolves at once; the rest dissolves first-order (PHYSICS.md §Mass). */
export const SHOT_FAST_DISSOLVED_FRACTION = 0.6;
/** First-order dissolution rate of the slow fraction of a shot, 1/s (PHYSICS.md §Mass). */
export const SHOT_DISSOLUTION_RATE_PER_S = 0.002;

/**
 * Voltage equivalent of the reaction enthalpy plus heating the raw materials, V per unit CE: 6.34 kWh/kg Al
 * (Grjotheim & Kvande, Introduction to Aluminium Electrolysis, 2nd ed. 1993, minimum energy with carbon anodes)
 * × 0.33557 kg/(kA·h) = 2.1275 V.
 */
export const REACTION_VOLTAGE_EQUIVALENT_V = 2.1275;
/** Bath→ledge heat-transfer coefficient, W/(m²·K) (PHYSICS.md §Heat). */
export const BATH_TO_LEDGE_HTC_W_PER_M2K = 600;
/** Specific heat of liquid bath, J/(kg·K) (PHYSICS.md §Heat). */
export const BATH_CP_J_PER_KGK = 1861;
/** Specific heat of liquid aluminium, J/(kg·K) (NIST-JANAF, Al(l) ≈ 31.75 J/(mol·K) / 26.98 g/mol). */
export const METAL_CP_J_PER_KGK = 1177;
/** Metal density, kg/m³ (PHYSICS.md §Heat). */
export const METAL_DENSITY_KG_M3 = 2300;
/** Anode consumption, cm/day (typical prebake anode burn rate, ~1.5 cm/day; brief and Grjotheim & Kvande 1993). */
export const ANODE_BURN_CM_PER_DAY = 1.5;
/** Ambient temperature of the pot room, °C (assumed). */
export const AMBIENT_TEMP_C = 35;
/** Shell temperature time constant, s (steel shell + lining lag of ~1 h; assumed order of magnitude). */
export const SHELL_TIME_CONSTANT_S = 3600;
/** Bath-height change per kelvin of bath temperature, cm/K (ledge melting back as the bath heats; lumped, assumed). */
export const BATH_HEIGHT_PER_K_CM = 0.06;
/** Line-current slew rate of the rectifiers, kA/s (≈ 3 kA/min, typical for a controlled ramp; assumed). */
export const LINE_CURRENT_SLEW_KA_PER_S = 0.05;
/** Seconds in a day, s. */
export const SECONDS_PER_DAY_S = 86_400;
