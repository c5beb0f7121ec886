/** Line × day facts from the day's cell-hour facts, with the emission split of PHYSICS.md §Emissions. */
import type { CellHourFact } from './hour-facts.js';
import {
  anodeCo2T,
  anodeEffectMinutesPerCellDay,
  anodeEffectsPerPotDay,
  electricityCo2eT,
  pfcSlopeMethod,
  productionVsBaselinePct,
  type KpiParameters,
} from './kpi.js';

/** Minutes per day, min/d. */
const MINUTES_PER_DAY = 1440;

/** One row of fact_line_day. */
export interface LineDayFact {
  lineId: string;
  dateKey: number;
  cells: number;
  hoursCovered: number;
  cellDays: number;
  productionT: number;
  energyMWh: number;
  secKWhPerT: number | null;
  aluminaFedT: number;
  co2eElectricityT: number;
  co2eAnodeT: number;
  cf4Kg: number;
  c2f6Kg: number;
  co2ePfcT: number;
  co2eTotalT: number;
  co2ePerTAl: number | null;
  anodeEffectCount: number;
  anodeEffectMinutes: number;
  aeMinutesPerCellDay: number | null;
  aePerPotDay: number | null;
  baselineProductionT: number;
  productionVsBaselinePct: number | null;
  goodRatio: number | null;
}

/** The cell-hour columns the line aggregates read. */
export type CellHourKpiInput = Pick<
  CellHourFact,
  | 'lineId'
  | 'cellId'
  | 'dateKey'
  | 'hour'
  | 'minutesWithVoltage'
  | 'productionEstKg'
  | 'energyKWh'
  | 'aluminaFedKg'
  | 'anodeEffectCount'
  | 'anodeEffectMinutes'
  | 'readingsTotal'
  | 'readingsGood'
>;

/**
 * Aggregates one line's cell-hour facts of one day (or of any set of hours: the API's hourly KPIs use the same
 * formulas); undefined when there are none.
 */
export function buildLineDayFact(hours: readonly CellHourKpiInput[], params: KpiParameters): LineDayFact | undefined {
  const first = hours[0];
  if (!first) return undefined;
  const cells = new Set<string>();
  const hoursSeen = new Set<number>();
  let minutes = 0;
  let productionKg = 0;
  let energyKWh = 0;
  let aluminaKg = 0;
  let aeCount = 0;
  let aeMinutes = 0;
  let total = 0;
  let good = 0;
  for (const h of hours) {
    cells.add(h.cellId);
    hoursSeen.add(h.hour);
    minutes += h.minutesWithVoltage;
    productionKg += h.productionEstKg;
    energyKWh += h.energyKWh;
    aluminaKg += h.aluminaFedKg;
    aeCount += h.anodeEffectCount;
    aeMinutes += h.anodeEffectMinutes;
    total += h.readingsTotal;
    good += h.readingsGood;
  }
  const cellDays = minutes / MINUTES_PER_DAY;
  const productionT = productionKg / 1000;
  const aem = anodeEffectMinutesPerCellDay(aeMinutes, cellDays);
  const pfc = pfcSlopeMethod(aem ?? 0, productionT, params);
  const co2eElectricity = electricityCo2eT(energyKWh, params.gridCo2KgPerKWh);
  const co2eAnode = anodeCo2T(productionT, params.anodeCo2TPerTAl);
  const co2eTotal = co2eElectricity + co2eAnode + pfc.co2eT;
  return {
    lineId: first.lineId,
    dateKey: first.dateKey,
    cells: cells.size,
    hoursCovered: hoursSeen.size,
    cellDays,
    productionT,
    energyMWh: energyKWh / 1000,
    secKWhPerT: productionT > 0 ? energyKWh / productionT : null,
    aluminaFedT: aluminaKg / 1000,
    co2eElectricityT: co2eElectricity,
    co2eAnodeT: co2eAnode,
    cf4Kg: pfc.cf4Kg,
    c2f6Kg: pfc.c2f6Kg,
    co2ePfcT: pfc.co2eT,
    co2eTotalT: co2eTotal,
    co2ePerTAl: productionT > 0 ? co2eTotal / productionT : null,
    anodeEffectCount: aeCount,
    anodeEffectMinutes: aeMinutes,
    aeMinutesPerCellDay: aem,
    aePerPotDay: anodeEffectsPerPotDay(aeCount, cellDays),
    baselineProductionT: cellDays * params.baselineTAlPerCellDay,
    productionVsBaselinePct: productionVsBaselinePct(productionT, cellDays, params.baselineTAlPerCellDay),
    goodRatio: total > 0 ? good / total : null,
  };
}
