/**
 * Cell × hour facts from the hour's final minute facts: process means, energy, Faraday production, SEC, alumina,
 * anode effects and data quality. Pure: the caller supplies the minute facts and the anode-effect state of the
 * minute before the hour.
 */
import { liquidusC } from '../physics/properties/bath.js';
import {
  aluminaConsumptionKg,
  anodeEffectFraction,
  faradayProductionKg,
  secKWhPerKg,
  type KpiParameters,
} from './kpi.js';
import type { CellMinuteFact } from './minute-facts.js';
import { dateKeyOf, timeKeyOf } from './minute-facts.js';

/**
 * Liquidus of the nominal bath, °C: bath chemistry is sampled by the lab, not streamed, so the superheat estimate uses
 * the PHYSICS.md base cell (AlF3 12, CaF2 4.1, MgF2 0.25, LiF 0 wt %) at the simulator's alumina target 3.0 wt %.
 */
export const NOMINAL_LIQUIDUS_C = liquidusC({ aluminaPct: 3.0, alf3Pct: 12, caf2Pct: 4.1, mgf2Pct: 0.25, lifPct: 0 });

/**
 * An anode effect is counted when the voltage stays above the threshold at least this long, s. Shorter excursions
 * are voltage noise or a beam move (IAI anode-effect protocol counts sustained events; plants use 2–3 s).
 */
export const ANODE_EFFECT_MIN_S = 3;

const HOUR_MS = 3_600_000;

/** One row of fact_cell_hour. */
export interface CellHourFact {
  lineId: string;
  cellId: string;
  dateKey: number;
  timeKey: number;
  hour: number;
  hourStartMs: number;
  minutesWithVoltage: number;
  cellVoltageMeanV: number | null;
  cellVoltageMinV: number | null;
  cellVoltageMaxV: number | null;
  lineCurrentMeanKA: number | null;
  bathTempMeanC: number | null;
  bathTempMaxC: number | null;
  superheatEstK: number | null;
  aluminaFedKg: number;
  aluminaShots: number;
  metalHeightMeanCm: number | null;
  bathHeightMeanCm: number | null;
  shellTempMaxC: number | null;
  energyKWh: number;
  productionEstKg: number;
  secKWhPerKg: number | null;
  aluminaConsumptionEstKg: number;
  anodeEffectCount: number;
  anodeEffectMinutes: number;
  readingsTotal: number;
  readingsGood: number;
  readingsFlagged: number;
  goodRatio: number | null;
}

/** Is the cell in anode effect in this minute (any kept voltage reading above the threshold)? */
export function inAnodeEffect(voltageMinute: CellMinuteFact, thresholdV: number): boolean {
  return voltageMinute.max !== null && voltageMinute.max >= thresholdV;
}

const isLineSensor = (cellId: string) => cellId.endsWith('-LINE');

interface Moments {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}
const emptyMoments = (): Moments => ({ count: 0, sum: 0, min: null, max: null });
function addMoments(m: Moments, f: CellMinuteFact): void {
  m.count += f.count;
  m.sum += f.sum;
  if (f.min !== null) m.min = m.min === null ? f.min : Math.min(m.min, f.min);
  if (f.max !== null) m.max = m.max === null ? f.max : Math.max(m.max, f.max);
}
const meanOf = (m: Moments | undefined) => (m && m.count > 0 ? m.sum / m.count : null);

/**
 * Builds the hour's cell facts. `minutes` are the final minute facts of one line and one hour (any order);
 * `aeBeforeHour` holds the cells whose last minute before the hour was in anode effect (their effect continues).
 */
export function buildCellHourFacts(
  minutes: readonly CellMinuteFact[],
  hourStartMs: number,
  params: Pick<KpiParameters, 'currentEfficiency' | 'anodeEffectThresholdV'>,
  aeBeforeHour: ReadonlySet<string> = new Set(),
): CellHourFact[] {
  const lineCurrentByMinute = new Map<number, number>();
  const lineCurrentAll = emptyMoments();
  const byCell = new Map<string, CellMinuteFact[]>();
  for (const f of minutes) {
    if (f.minuteStartMs < hourStartMs || f.minuteStartMs >= hourStartMs + HOUR_MS) continue;
    if (isLineSensor(f.cellId)) {
      if (f.tag === 'lineCurrent' && f.mean !== null) {
        lineCurrentByMinute.set(f.minuteStartMs, f.mean);
        addMoments(lineCurrentAll, f);
      }
      continue;
    }
    let list = byCell.get(f.cellId);
    if (!list) byCell.set(f.cellId, (list = []));
    list.push(f);
  }
  const hourCurrentKA = meanOf(lineCurrentAll);
  const out: CellHourFact[] = [];
  for (const [cellId, list] of [...byCell.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push(cellHour(cellId, list, hourStartMs, lineCurrentByMinute, hourCurrentKA, params, aeBeforeHour.has(cellId)));
  }
  return out;
}

function cellHour(
  cellId: string,
  list: CellMinuteFact[],
  hourStartMs: number,
  lineCurrentByMinute: ReadonlyMap<number, number>,
  hourCurrentKA: number | null,
  params: Pick<KpiParameters, 'currentEfficiency' | 'anodeEffectThresholdV'>,
  aeContinues: boolean,
): CellHourFact {
  const byTag = new Map<string, Moments>();
  let readingsTotal = 0;
  let readingsGood = 0;
  let readingsFlagged = 0;
  let aluminaShots = 0;
  const voltage: CellMinuteFact[] = [];
  for (const f of list) {
    let m = byTag.get(f.tag);
    if (!m) byTag.set(f.tag, (m = emptyMoments()));
    addMoments(m, f);
    readingsTotal += f.count + f.flaggedCount;
    readingsGood += f.goodCount;
    readingsFlagged += f.flaggedCount;
    if (f.tag === 'aluminaFeed') aluminaShots += f.count;
    if (f.tag === 'cellVoltage' && f.mean !== null) voltage.push(f);
  }
  voltage.sort((a, b) => a.minuteStartMs - b.minuteStartMs);

  // Energy and production minute by minute, so a current change within the hour weighs the right voltage.
  let energyKWh = 0;
  let currentKAMin = 0;
  let currentMinutes = 0;
  for (const v of voltage) {
    const currentKA = lineCurrentByMinute.get(v.minuteStartMs) ?? hourCurrentKA;
    if (currentKA === null) continue;
    energyKWh += (v.mean! * currentKA) / 60;
    currentKAMin += currentKA;
    currentMinutes++;
  }
  const productionEstKg = faradayProductionKg(currentKAMin, 1 / 60, params.currentEfficiency);

  const ae = anodeEffects(voltage, params.anodeEffectThresholdV, aeContinues);
  const v = byTag.get('cellVoltage');
  const bath = byTag.get('bathTemp');
  const bathMean = meanOf(bath);
  const d = new Date(hourStartMs);
  return {
    lineId: list[0]!.lineId,
    cellId,
    dateKey: dateKeyOf(hourStartMs),
    timeKey: timeKeyOf(hourStartMs),
    hour: d.getUTCHours(),
    hourStartMs,
    minutesWithVoltage: voltage.length,
    cellVoltageMeanV: meanOf(v),
    cellVoltageMinV: v?.min ?? null,
    cellVoltageMaxV: v?.max ?? null,
    lineCurrentMeanKA: currentMinutes > 0 ? currentKAMin / currentMinutes : null,
    bathTempMeanC: bathMean,
    bathTempMaxC: bath?.max ?? null,
    superheatEstK: bathMean === null ? null : bathMean - NOMINAL_LIQUIDUS_C,
    aluminaFedKg: byTag.get('aluminaFeed')?.sum ?? 0,
    aluminaShots,
    metalHeightMeanCm: meanOf(byTag.get('metalHeight')),
    bathHeightMeanCm: meanOf(byTag.get('bathHeight')),
    shellTempMaxC: byTag.get('shellTemp')?.max ?? null,
    energyKWh,
    productionEstKg,
    secKWhPerKg: secKWhPerKg(energyKWh, productionEstKg),
    aluminaConsumptionEstKg: aluminaConsumptionKg(productionEstKg),
    anodeEffectCount: ae.count,
    anodeEffectMinutes: ae.minutes,
    readingsTotal,
    readingsGood,
    readingsFlagged,
    goodRatio: readingsTotal > 0 ? readingsGood / readingsTotal : null,
  };
}

/**
 * Anode effects from a cell's voltage minutes (sorted): runs of consecutive minutes above the threshold; a run counts
 * once, in the hour it starts, when it lasts at least ANODE_EFFECT_MIN_S. A run continuing from the previous hour is
 * not counted again, but its minutes in this hour are.
 */
export function anodeEffects(
  voltage: readonly CellMinuteFact[],
  thresholdV: number,
  continuesFromBefore: boolean,
): { count: number; minutes: number } {
  let count = 0;
  let totalS = 0;
  let runS = 0;
  let runOpen = false;
  let runContinued = continuesFromBefore;
  let prevMinuteMs = voltage[0] ? voltage[0].minuteStartMs - 60_000 : 0;
  const closeRun = () => {
    if (runOpen && !runContinued && runS >= ANODE_EFFECT_MIN_S) count++;
    runOpen = false;
    runContinued = false;
    runS = 0;
  };
  for (const v of voltage) {
    if (v.minuteStartMs - prevMinuteMs > 60_000) closeRun(); // a minute without data ends a run
    prevMinuteMs = v.minuteStartMs;
    if (!inAnodeEffect(v, thresholdV)) {
      closeRun();
      runContinued = false;
      continue;
    }
    const s = 60 * anodeEffectFraction(v.min!, v.max!, v.mean!, thresholdV);
    totalS += s;
    runS += s;
    runOpen = true;
  }
  closeRun();
  return { count, minutes: totalS / 60 };
}
