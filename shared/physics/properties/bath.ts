/**
 * Bath (cryolite electrolyte) properties of PHYSICS.md §Bath chemistry. Every function checks its inputs against
 * the valid range of its correlation and throws PhysicsError('ERR-PHYS-RANGE', quantity) outside it — never NaN.
 *
 * Compositions are wt % of the bath. `alf3Pct` is the *excess* AlF3 (beyond cryolite), as in all the correlations.
 */
import { celsiusToKelvin } from '../constants.js';
import { checkRange, PhysicsError, type ValidRange } from '../errors.js';

export interface BathComposition {
  /** Dissolved alumina Al2O3, wt %. */
  aluminaPct: number;
  /** Excess aluminium fluoride AlF3, wt %. */
  alf3Pct: number;
  /** Calcium fluoride CaF2, wt %. */
  caf2Pct: number;
  /** Magnesium fluoride MgF2, wt %. */
  mgf2Pct: number;
  /** Lithium fluoride LiF, wt %. */
  lifPct: number;
  /** Potassium fluoride KF, wt % (only the Hives conductivity correlation uses it); default 0. */
  kfPct?: number;
}

/**
 * Validity ranges. Temperatures cover the industrial window of the correlations (Skybakmoen 1997, Solheim 1996,
 * Hives 1996 were fitted on roughly 940–1050 °C data; the engine accepts 900–1100 °C so sub-liquidus and hot
 * transients can still be evaluated). Composition limits are those of the fitted data sets.
 */
export const BATH_RANGES = {
  bathTempC: { min: 900, max: 1100, unit: '°C', source: 'industrial validity of the bath correlations' },
  aluminaPct: { min: 0, max: 15, unit: 'wt %', source: 'Solheim et al. liquidus data, Al2O3 up to saturation' },
  alf3Pct: { min: 0, max: 25, unit: 'wt %', source: 'excess AlF3 of the fitted data sets' },
  caf2Pct: { min: 0, max: 12, unit: 'wt %', source: 'CaF2 of the fitted data sets' },
  mgf2Pct: { min: 0, max: 6, unit: 'wt %', source: 'MgF2 of the fitted data sets' },
  lifPct: { min: 0, max: 6, unit: 'wt %', source: 'LiF of the fitted data sets' },
  kfPct: { min: 0, max: 6, unit: 'wt %', source: 'KF of Hives et al. 1996' },
  /** Alumina relative saturation r = C/C_sat; the activity polynomial is positive only for r > 0.0161. */
  aluminaRelativeSaturation: {
    min: 0.02,
    max: 1.0,
    unit: '-',
    source: 'Haupin activity polynomial (positive for r > 0.0161, fitted up to saturation)',
  },
} as const satisfies Record<string, ValidRange>;

export function checkBathTempC(bathTempC: number, quantity = 'bathTempC'): number {
  return checkRange(quantity, bathTempC, BATH_RANGES.bathTempC);
}

/** Checks every component of a bath composition, plus that the named components leave room for cryolite. */
export function checkComposition(bath: BathComposition, prefix = 'bath'): void {
  checkRange(`${prefix}.aluminaPct`, bath.aluminaPct, BATH_RANGES.aluminaPct);
  checkRange(`${prefix}.alf3Pct`, bath.alf3Pct, BATH_RANGES.alf3Pct);
  checkRange(`${prefix}.caf2Pct`, bath.caf2Pct, BATH_RANGES.caf2Pct);
  checkRange(`${prefix}.mgf2Pct`, bath.mgf2Pct, BATH_RANGES.mgf2Pct);
  checkRange(`${prefix}.lifPct`, bath.lifPct, BATH_RANGES.lifPct);
  checkRange(`${prefix}.kfPct`, bath.kfPct ?? 0, BATH_RANGES.kfPct);
}

/**
 * Bath ratio, weight ratio NaF/AlF3 (Haupin): x = AlF3/(100 − Al2O3 − CaF2 − LiF − MgF2); BR = (1 − x)/(2/3 + x).
 * Pure cryolite (x = 0) gives 1.5.
 */
export function bathRatio(bath: BathComposition): number {
  checkComposition(bath);
  const x = bath.alf3Pct / (100 - bath.aluminaPct - bath.caf2Pct - bath.lifPct - bath.mgf2Pct);
  return (1 - x) / (2 / 3 + x);
}

/**
 * Alumina saturation, wt % (Skybakmoen, Solheim, Sterten 1997, Metall. Mater. Trans. B 28, 81–86):
 * C_sat = A·(t/1000)^B with
 * A = 11.9 − 0.062·AlF3 − 0.0031·AlF3² − 0.2·CaF2 − 0.5·LiF − 0.3·MgF2 + 42·AlF3·LiF/(2000 + AlF3·LiF),
 * B = 4.8 − 0.048·AlF3 + 2.2·LiF^1.5/(10 + LiF + 0.001·AlF3³).
 */
export function aluminaSaturationPct(bath: BathComposition, bathTempC: number): number {
  checkComposition(bath);
  checkBathTempC(bathTempC);
  const { alf3Pct: a, caf2Pct: c, lifPct: l, mgf2Pct: m } = bath;
  const A = 11.9 - 0.062 * a - 0.0031 * a * a - 0.2 * c - 0.5 * l - 0.3 * m + (42 * a * l) / (2000 + a * l);
  const B = 4.8 - 0.048 * a + (2.2 * l ** 1.5) / (10 + l + 0.001 * a ** 3);
  return A * (bathTempC / 1000) ** B;
}

/**
 * Alumina activity relative to saturation (Haupin): r = C/C_sat; a = −0.03791 r + 2.364 r² − 2.194 r³ + 0.8686 r⁴.
 * Valid for 0.02 ≤ r ≤ 1 (the polynomial is ≤ 0 below r ≈ 0.0161); outside → ERR-PHYS-RANGE on `aluminaRelativeSaturation`.
 */
export function aluminaActivity(bath: BathComposition, bathTempC: number): number {
  const r = bath.aluminaPct / aluminaSaturationPct(bath, bathTempC);
  return aluminaActivityFromRatio(r);
}

/** Haupin's activity polynomial for a given relative saturation r = C/C_sat. */
export function aluminaActivityFromRatio(r: number): number {
  checkRange('aluminaRelativeSaturation', r, BATH_RANGES.aluminaRelativeSaturation);
  return -0.03791 * r + 2.364 * r ** 2 - 2.194 * r ** 3 + 0.8686 * r ** 4;
}

/**
 * Liquidus temperature, °C (Solheim, Rolseth, Skybakmoen, Støen, Sterten, Støre 1996, Metall. Mater. Trans. B 27,
 * 739–744): T_liq = 1011 + 0.5·AlF3 − 0.13·AlF3^2.2 − 3.45·CaF2/(1 + 0.0173·CaF2) + 0.124·CaF2·AlF3
 * − 0.00542·(CaF2·AlF3)^1.5 − 7.93·Al2O3/(1 + 0.0936·Al2O3 − 0.0017·Al2O3² − 0.0023·AlF3·Al2O3) − 3.95·MgF2.
 * (PHYSICS.md gives no LiF term; LiF is range-checked but does not enter.)
 */
export function liquidusC(bath: BathComposition): number {
  checkComposition(bath);
  return liquidusUncheckedC(bath);
}

/**
 * The liquidus formula without the range checks, for root finders that may probe beyond the validity window on
 * their way to an in-range solution (the caller checks the final composition). Singular alumina terms → ERR-PHYS-RANGE.
 */
export function liquidusUncheckedC(bath: BathComposition): number {
  const { alf3Pct: a, caf2Pct: c, aluminaPct: al, mgf2Pct: m } = bath;
  const aluminaDen = 1 + 0.0936 * al - 0.0017 * al * al - 0.0023 * a * al;
  if (aluminaDen <= 0) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'bath.aluminaPct',
      `liquidus alumina term singular for Al2O3 = ${al} %, AlF3 = ${a} %`,
      al,
    );
  }
  return (
    1011 +
    0.5 * a -
    0.13 * a ** 2.2 -
    (3.45 * c) / (1 + 0.0173 * c) +
    0.124 * c * a -
    0.00542 * (c * a) ** 1.5 -
    (7.93 * al) / aluminaDen -
    3.95 * m
  );
}

/** Superheat, K: t_bath − T_liq (negative when the bath is below its liquidus). */
export function superheatK(bath: BathComposition, bathTempC: number): number {
  checkBathTempC(bathTempC);
  return bathTempC - liquidusC(bath);
}

export type ConductivityCorrelation = 'haupin' | 'hives';

/**
 * Bath electrical conductivity, S/cm, in the form used with Haupin's voltage breakdown:
 * NaF = 0.6·(100 − AlF3 − Al2O3 − CaF2 − LiF − MgF2);
 * BWR = (NaF/41.99 + LiF/25.94 − MgF2/62.31)/2/((AlF3 + 2·NaF/3)/83.98);
 * ln κ = 1.9362 + 0.3092·BWR − 0.004132·CaF2 − 0.01755·Al2O3 + 0.008123·LiF − 0.00398·MgF2 − 1751.1/T_K.
 */
export function bathConductivityHaupinSPerCm(bath: BathComposition, bathTempC: number): number {
  checkComposition(bath);
  checkBathTempC(bathTempC);
  const { alf3Pct: a, aluminaPct: al, caf2Pct: c, lifPct: l, mgf2Pct: m } = bath;
  const naf = 0.6 * (100 - a - al - c - l - m);
  const bwr = (naf / 41.99 + l / 25.94 - m / 62.31) / 2 / ((a + (2 * naf) / 3) / 83.98);
  const tK = celsiusToKelvin(bathTempC);
  return Math.exp(1.9362 + 0.3092 * bwr - 0.004132 * c - 0.01755 * al + 0.008123 * l - 0.00398 * m - 1751.1 / tK);
}

/**
 * Bath electrical conductivity, S/cm (Hives, Thonstad, Sterten, Fellner 1996, Metall. Mater. Trans. B 27, 255–261):
 * ln κ = 1.977 − 0.0200·Al2O3 − 0.0131·AlF3 − 0.0060·CaF2 − 0.0106·MgF2 − 0.0019·KF + 0.0121·LiF − 1204.3/T_K.
 */
export function bathConductivityHivesSPerCm(bath: BathComposition, bathTempC: number): number {
  checkComposition(bath);
  checkBathTempC(bathTempC);
  const { alf3Pct: a, aluminaPct: al, caf2Pct: c, lifPct: l, mgf2Pct: m } = bath;
  const kf = bath.kfPct ?? 0;
  const tK = celsiusToKelvin(bathTempC);
  return Math.exp(1.977 - 0.02 * al - 0.0131 * a - 0.006 * c - 0.0106 * m - 0.0019 * kf + 0.0121 * l - 1204.3 / tK);
}

/** Bath conductivity, S/cm, by the selected correlation (default Haupin's form, as in the voltage breakdown). */
export function bathConductivitySPerCm(
  bath: BathComposition,
  bathTempC: number,
  correlation: ConductivityCorrelation = 'haupin',
): number {
  return correlation === 'hives'
    ? bathConductivityHivesSPerCm(bath, bathTempC)
    : bathConductivityHaupinSPerCm(bath, bathTempC);
}
