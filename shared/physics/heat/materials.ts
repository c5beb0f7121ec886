/**
 * Thermal materials and the enthalpy formulation of melting/freezing (Voller, Swaminathan & Thomas 1990,
 * "Fixed grid techniques for phase change problems: a review", IJNME 30, 875–898).
 *
 * For a phase-change material with liquidus T_m, mushy interval ΔT (solidus T_s = T_m − ΔT; 0 = isothermal) the
 * volumetric enthalpy relative to the solidus is
 *   H(T, f) = ρ·[c_s·min(T − T_s, 0) + c_l·max(T − T_s, 0) + L·f],   f = liquid fraction ∈ [0, 1],
 * with equilibrium f(T) = clamp((T − T_s)/ΔT, 0, 1) (a step at T_m when ΔT = 0). enthalpyToState inverts it.
 */
import { checkPositive, PhysicsError } from '../errors.js';

export interface PhaseChange {
  /** Liquidus (melting) temperature, °C: fully liquid above. The coupled model updates it as chemistry changes. */
  meltingC: number;
  /** Mushy interval below the liquidus, K (0 = isothermal phase change). */
  mushyRangeK: number;
  latentHeatJPerKg: number;
  solidConductivityWPerMK: number;
  liquidConductivityWPerMK: number;
  solidSpecificHeatJPerKgK: number;
  liquidSpecificHeatJPerKgK: number;
}

export interface Material {
  name: string;
  /** Thermal conductivity, W/(m·K) (for a phase-change material: unused, see phaseChange). */
  conductivityWPerMK: number;
  densityKgM3: number;
  /** Specific heat, J/(kg·K) (for a phase-change material: unused, see phaseChange). */
  specificHeatJPerKgK: number;
  phaseChange?: PhaseChange;
  /**
   * Heat-transfer coefficient, W/(m²·K), between this material's liquid and any solid it touches (bath → ledge 600,
   * metal → ledge 1100 in PHYSICS.md). The interface resistance of a face is |φ_P − φ_N|/h with φ the "fluidity"
   * of a cell: 1 for an always-fluid material, the liquid fraction for a phase-change material, 0 for solids. It
   * slides continuously with the freezing front, so the total bath → ledge resistance is always 1/h.
   */
  interfaceHeatTransferWPerM2K?: number;
  /** Always liquid (e.g. the metal pad, treated with an effective conductivity). */
  alwaysFluid?: boolean;
}

export function checkMaterial(m: Material, quantity: string): void {
  checkPositive(`${quantity}.densityKgM3`, m.densityKgM3);
  if (m.phaseChange) {
    const p = m.phaseChange;
    if (!Number.isFinite(p.meltingC))
      throw new PhysicsError(
        'ERR-PHYS-RANGE',
        `${quantity}.phaseChange.meltingC`,
        'melting temperature must be finite',
      );
    checkPositive(`${quantity}.phaseChange.mushyRangeK`, p.mushyRangeK, true);
    checkPositive(`${quantity}.phaseChange.latentHeatJPerKg`, p.latentHeatJPerKg, true);
    checkPositive(`${quantity}.phaseChange.solidConductivityWPerMK`, p.solidConductivityWPerMK);
    checkPositive(`${quantity}.phaseChange.liquidConductivityWPerMK`, p.liquidConductivityWPerMK);
    checkPositive(`${quantity}.phaseChange.solidSpecificHeatJPerKgK`, p.solidSpecificHeatJPerKgK);
    checkPositive(`${quantity}.phaseChange.liquidSpecificHeatJPerKgK`, p.liquidSpecificHeatJPerKgK);
  } else {
    checkPositive(`${quantity}.conductivityWPerMK`, m.conductivityWPerMK);
    checkPositive(`${quantity}.specificHeatJPerKgK`, m.specificHeatJPerKgK);
  }
  if (m.interfaceHeatTransferWPerM2K !== undefined)
    checkPositive(`${quantity}.interfaceHeatTransferWPerM2K`, m.interfaceHeatTransferWPerM2K);
}

/** Volumetric enthalpy H(T, f), J/m³, relative to the solidus. */
export function volumetricEnthalpy(rho: number, p: PhaseChange, tC: number, f: number): number {
  const ts = p.meltingC - p.mushyRangeK;
  const dt = tC - ts;
  return rho * ((dt < 0 ? p.solidSpecificHeatJPerKgK * dt : p.liquidSpecificHeatJPerKgK * dt) + p.latentHeatJPerKg * f);
}

/** Equilibrium liquid fraction at temperature T. */
export function equilibriumLiquidFraction(p: PhaseChange, tC: number): number {
  if (p.mushyRangeK > 0) {
    const f = (tC - (p.meltingC - p.mushyRangeK)) / p.mushyRangeK;
    return f <= 0 ? 0 : f >= 1 ? 1 : f;
  }
  return tC > p.meltingC ? 1 : tC < p.meltingC ? 0 : 0.5;
}

/** Equilibrium volumetric enthalpy H(T, f(T)), J/m³. */
export function equilibriumEnthalpy(rho: number, p: PhaseChange, tC: number): number {
  return volumetricEnthalpy(rho, p, tC, equilibriumLiquidFraction(p, tC));
}

/**
 * Inverts H: writes temperature and liquid fraction into out[0], out[1]. Allocation-free (caller's 2-array).
 */
export function enthalpyToState(rho: number, p: PhaseChange, hVol: number, out: Float64Array): void {
  const h = hVol / rho;
  const ts = p.meltingC - p.mushyRangeK;
  const L = p.latentHeatJPerKg;
  const cl = p.liquidSpecificHeatJPerKgK;
  if (h <= 0) {
    out[0] = ts + h / p.solidSpecificHeatJPerKgK;
    out[1] = 0;
  } else if (p.mushyRangeK > 0) {
    if (h < cl * p.mushyRangeK + L) {
      const t = h / (cl + L / p.mushyRangeK);
      out[0] = ts + t;
      out[1] = t / p.mushyRangeK;
    } else {
      out[0] = ts + (h - L) / cl;
      out[1] = 1;
    }
  } else if (h < L) {
    out[0] = ts;
    out[1] = h / L;
  } else {
    out[0] = ts + (h - L) / cl;
    out[1] = 1;
  }
}

/**
 * Thermal properties of the cell materials (PHYSICS.md where it gives them: frozen bath/ledge, bath and metal
 * densities, bath c_p and latent heat; typical engineering values elsewhere, marked — calibrate them).
 */
export const FROZEN_BATH_CONDUCTIVITY_W_PER_MK = 2.0; // PHYSICS.md
export const LEDGE_CONDUCTIVITY_W_PER_MK = 1.5; // PHYSICS.md
export const BATH_LATENT_HEAT_J_PER_KG = 5.508e5; // PHYSICS.md
export const BATH_CP_SOLID_J_PER_KG_K = 1403; // PHYSICS.md
export const BATH_CP_LIQUID_J_PER_KG_K = 1861; // PHYSICS.md
export const BATH_TO_LEDGE_W_PER_M2K = 600; // PHYSICS.md
export const METAL_TO_LEDGE_W_PER_M2K = 1100; // PHYSICS.md
export const SHELL_TO_AIR_W_PER_M2K = 22; // PHYSICS.md
