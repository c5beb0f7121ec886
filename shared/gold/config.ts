/** Curation parameters from the app settings (parsed once in shared/config). */
import { appVersion } from '../observability/version.js';
import type { Settings } from '../config/settings.js';
import type { CurationConfig } from './curate.js';
import type { EmissionFactors } from './kpi.js';
import type { PlantIndex } from '../plant/plant-index.js';

/** Emission factors named by their settings (the plant model's site may override them). */
export function emissionFactorsFrom(s: Settings): EmissionFactors {
  return {
    gridCo2KgPerKWh: s.GRID_CO2_KG_PER_KWH,
    anodeCo2TPerTAl: s.ANODE_CO2_T_PER_T_AL,
    pfcSefCf4: s.PFC_SEF_CF4,
    pfcFC2f6: s.PFC_F_C2F6,
    gwpCf4: s.GWP_CF4,
    gwpC2f6: s.GWP_C2F6,
  };
}

/** The curation config of this process (real clock, package version) on the plant model in force. */
export function curationConfigFrom(s: Settings, plant: PlantIndex, force = false): CurationConfig {
  return {
    emissions: emissionFactorsFrom(s),
    plant,
    plantId: s.PLANT_ID,
    codeVersion: appVersion(),
    now: () => new Date(),
    force,
  };
}

const HOUR_MS = 3_600_000;

/** The hours a scheduled run covers: the last `lookbackHours` complete hours before `nowMs`, for late data. */
export function scheduledRange(nowMs: number, lookbackHours: number): { fromMs: number; toMs: number } {
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  return { fromMs: toMs - lookbackHours * HOUR_MS, toMs };
}
