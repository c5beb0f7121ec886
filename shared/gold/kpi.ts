/**
 * Plant KPI formulas of PHYSICS.md (energy, production, alumina, emissions) as pure functions. Every input carries its
 * unit in its name; emission factors and the line's design come in as parameters (recorded in every lineage manifest)
 * so an auditor sees which were used.
 */
import { ALUMINA_PER_AL_KG_PER_KG, FARADAY_YIELD_KG_PER_KAH } from '../physics/constants.js';

/**
 * The site's emission factors: the app settings (see shared/config/settings.ts for sources), where the plant model's
 * site does not state its own.
 */
export interface EmissionFactors {
  gridCo2KgPerKWh: number;
  anodeCo2TPerTAl: number;
  pfcSefCf4: number;
  pfcFC2f6: number;
  gwpCf4: number;
  gwpC2f6: number;
}

/** What one line's KPIs use: the site's emission factors and the line's cell technology and envelope. */
export interface KpiParameters extends EmissionFactors {
  /** The technology's design current efficiency, -. */
  currentEfficiency: number;
  /** The line's envelope: a cell voltage above it is an anode effect, V. */
  anodeEffectThresholdV: number;
  /** Design production of one cell of the technology, t Al per cell-day (Faraday at nominal current and CE). */
  baselineTAlPerCellDay: number;
}

/** Electrical energy of a cell, kWh, at a mean voltage and current held for a duration (V · kA = kW). */
export function cellEnergyKWh(cellVoltageV: number, lineCurrentKA: number, durationH: number): number {
  return cellVoltageV * lineCurrentKA * durationH;
}

/** Aluminium produced, kg, by Faraday's law: 0.33557 kg/kA·h · I · CE · t (PHYSICS.md). */
export function faradayProductionKg(lineCurrentKA: number, durationH: number, currentEfficiency: number): number {
  return FARADAY_YIELD_KG_PER_KAH * lineCurrentKA * currentEfficiency * durationH;
}

/** Specific energy consumption, kWh/kg Al, from energy and production; null when nothing was produced. */
export function secKWhPerKg(energyKWh: number, productionKg: number): number | null {
  return productionKg > 0 ? energyKWh / productionKg : null;
}

/** Alumina consumed, kg Al2O3, for an aluminium production (1.8895 kg/kg, PHYSICS.md). */
export function aluminaConsumptionKg(productionKg: number): number {
  return productionKg * ALUMINA_PER_AL_KG_PER_KG;
}

/** CO2 from prebake anode consumption, t CO2 (IPCC Tier 1 factor as a parameter). */
export function anodeCo2T(productionT: number, anodeCo2TPerTAl: number): number {
  return productionT * anodeCo2TPerTAl;
}

/** CO2 of the electricity used, t CO2e: kWh · grid factor (kg/kWh) / 1000. */
export function electricityCo2eT(energyKWh: number, gridCo2KgPerKWh: number): number {
  return (energyKWh * gridCo2KgPerKWh) / 1000;
}

/** Anode-effect minutes per cell-day (AEM of the slope method); null with no cell-time observed. */
export function anodeEffectMinutesPerCellDay(anodeEffectMinutes: number, cellDays: number): number | null {
  return cellDays > 0 ? anodeEffectMinutes / cellDays : null;
}

export { pfcSlopeMethod, type PfcEmissions } from '../physics/emissions.js';

/** Anode effects per pot-day (the plant's AE frequency); null with no cell-time observed. */
export function anodeEffectsPerPotDay(anodeEffectCount: number, cellDays: number): number | null {
  return cellDays > 0 ? anodeEffectCount / cellDays : null;
}

/** Production against the baseline for the observed cell-time, %; null with no cell-time observed. */
export function productionVsBaselinePct(
  productionT: number,
  cellDays: number,
  baselineTAlPerCellDay: number,
): number | null {
  const baselineT = cellDays * baselineTAlPerCellDay;
  return baselineT > 0 ? (100 * productionT) / baselineT : null;
}

/**
 * Share of a minute a cell spent in anode effect, 0..1, from its minute statistics: 0 when the maximum stays below the
 * threshold, 1 when the minimum is above it; in between, the two-level estimate (mean − min)/(max − min), exact for
 * a voltage that is either at its normal level or at its arc level within the minute.
 */
export function anodeEffectFraction(min: number, max: number, mean: number, thresholdV: number): number {
  if (max < thresholdV) return 0;
  if (min >= thresholdV) return 1;
  return Math.min(1, Math.max(0, (mean - min) / (max - min)));
}
