/**
 * Densities, kg/m³. PHYSICS.md §Heat documents bath ≈ 2100 kg/m³ and metal ≈ 2300 kg/m³ near 960 °C; those are the
 * defaults. For the metal pad the temperature-dependent reference correlation of liquid aluminium is also offered
 * (Assael et al. 2006, J. Phys. Chem. Ref. Data 35, 285: ρ = 2377.23 − 0.311·(T_K − 933.47) kg/m³, valid from the
 * melting point 933.47 K to 1300 K), which gives 2283 kg/m³ at 963 °C, consistent with PHYSICS.md's ≈ 2300.
 */
import { celsiusToKelvin } from '../constants.js';
import { checkRange, type ValidRange } from '../errors.js';
import { BATH_RANGES } from './bath.js';

/** Bath density, kg/m³ (PHYSICS.md). */
export const BATH_DENSITY_KG_M3 = 2100;
/** Metal (liquid Al) density, kg/m³ (PHYSICS.md). */
export const METAL_DENSITY_KG_M3 = 2300;

export const METAL_TEMP_RANGE_C: ValidRange = {
  min: 660.32,
  max: 1026.85,
  unit: '°C',
  source: 'Assael et al. 2006: 933.47–1300 K',
};

/** Bath density, kg/m³, over the bath-correlation temperature window (PHYSICS.md constant). */
export function bathDensityKgM3(bathTempC: number): number {
  checkRange('bathTempC', bathTempC, BATH_RANGES.bathTempC);
  return BATH_DENSITY_KG_M3;
}

export type MetalDensityCorrelation = 'constant' | 'assael2006';

/** Liquid aluminium density, kg/m³: PHYSICS.md constant (default) or Assael et al. 2006. */
export function metalDensityKgM3(metalTempC: number, correlation: MetalDensityCorrelation = 'constant'): number {
  checkRange('metalTempC', metalTempC, METAL_TEMP_RANGE_C);
  if (correlation === 'constant') return METAL_DENSITY_KG_M3;
  return 2377.23 - 0.311 * (celsiusToKelvin(metalTempC) - 933.47);
}
