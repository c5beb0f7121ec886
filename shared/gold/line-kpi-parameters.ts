/**
 * The KPI parameters of a line, from the plant model in force: its technology's design current efficiency and nominal
 * production, its envelope's anode-effect threshold, and the site's emission factors (the plant model's where it
 * states them, else the app settings'). A line the model does not have has none: its hours wait for a model that has it.
 */
import { DomainError } from '../kernel/errors.js';
import { FARADAY_YIELD_KG_PER_KAH } from '../physics/constants.js';
import type { PlantIndex } from '../plant/plant-index.js';
import type { EmissionFactors, KpiParameters } from './kpi.js';

const HOURS_PER_DAY = 24;
const KG_PER_T = 1000;

/** The site's emission factors: the plant model's site emissions over the settings' defaults. */
export function siteEmissionFactors(defaults: EmissionFactors, plant: Pick<PlantIndex, 'model'>): EmissionFactors {
  const site = plant.model.site.emissions ?? {};
  return {
    ...defaults,
    ...(site.gridCo2KgPerKWh !== undefined ? { gridCo2KgPerKWh: site.gridCo2KgPerKWh } : {}),
    ...(site.anodeCo2TPerTAl !== undefined ? { anodeCo2TPerTAl: site.anodeCo2TPerTAl } : {}),
    ...(site.pfcSefCf4 !== undefined ? { pfcSefCf4: site.pfcSefCf4 } : {}),
    ...(site.pfcFC2F6 !== undefined ? { pfcFC2f6: site.pfcFC2F6 } : {}),
  };
}

/** The KPI parameters of a line of the plant; undefined for a line the plant model does not have. */
export function lineKpiParameters(
  emissions: EmissionFactors,
  plant: Pick<PlantIndex, 'line'>,
  lineId: string,
): KpiParameters | undefined {
  const entry = plant.line(lineId);
  if (!entry) return undefined;
  const { technology, line } = entry;
  return {
    ...emissions,
    currentEfficiency: technology.currentEfficiency,
    anodeEffectThresholdV: line.envelope.anodeEffectThresholdV,
    baselineTAlPerCellDay:
      (FARADAY_YIELD_KG_PER_KAH * technology.nominalCurrentKA * technology.currentEfficiency * HOURS_PER_DAY) /
      KG_PER_T,
  };
}

/**
 * The KPI parameters of a line of the plant model in force now (for hours whose manifests did not record theirs);
 * throws a not-found error naming the line when the model does not have it.
 */
export async function currentLineKpiParameters(
  defaults: EmissionFactors,
  plant: { current(): Promise<PlantIndex> },
  lineId: string,
): Promise<KpiParameters> {
  const index = await plant.current();
  const params = lineKpiParameters(siteEmissionFactors(defaults, index), index, lineId);
  if (!params)
    throw new DomainError(
      'not-found',
      'ERR-GOLD-LINE-NOT-IN-PLANT',
      `Line ${lineId} is not in plant model ${index.version}: its KPIs have no design to be computed with`,
      'lineId',
    );
  return params;
}
