/**
 * How well the optimiser's model predicted the plant: for each cell of a completed run, the voltage, bath temperature
 * and specific energy it predicted at its recommended set points against what the plant measured once it had
 * settled, and the line's mean absolute percentage error (MAPE). The seeds ask for predictions within ±5 % of
 * measurements (US-2.1); a line beyond that raises an alert (smelter.model.accuracy-degraded).
 *
 * Specific energy is not measured per cell (that would need the metal each cell produced, weighed at tapping): the
 * "measured" SEC is 2.980·V/CE with the measured voltage and the CE the run predicted, so its error is the voltage's.
 */

/** The line MAPE above which the model no longer meets the seeds' ±5 % (US-2.1), %. */
export const ACCURACY_ALERT_MAPE_PCT = 5;
/** Theoretical energy per kg of aluminium at 1 V and 100 % current efficiency, kWh/kg (F·1 V / (3.6e6 · M/3)). */
export const KWH_PER_KG_PER_VOLT = 2.98;

/** What a run predicted for one cell at the set points it recommended. */
export interface CellPredictionAtRun {
  cellId: string;
  cellVoltageV: number;
  bathTempC: number;
  secKWhPerKg: number;
  currentEfficiency: number;
}

/** What the plant measured of one cell over the settled window (means of the kept readings); absent when nothing. */
export interface SettledMeasurement {
  cellVoltageV?: number;
  bathTempC?: number;
}

export interface AccuracyRun {
  runId: string;
  lineId: string;
  completedMs: number;
}

export interface AccuracyWindow {
  fromMs: number;
  toMs: number;
  settleMinutes: number;
}

/** One row of fact_model_accuracy (field names as the gold schema's `field`s). */
export interface AccuracyRow {
  runId: string;
  lineId: string;
  cellId: string;
  dateKey: number;
  runCompletedMs: number;
  measuredFromMs: number;
  measuredToMs: number;
  predictedCellVoltageV: number;
  measuredCellVoltageV: number | null;
  cellVoltageApePct: number | null;
  predictedBathTempC: number;
  measuredBathTempC: number | null;
  bathTempApePct: number | null;
  predictedSecKWhPerKg: number;
  measuredSecKWhPerKg: number | null;
  secApePct: number | null;
  settleMinutes: number;
}

const ape = (predicted: number, measured: number | null) =>
  measured === null || measured === 0 ? null : round((Math.abs(predicted - measured) / Math.abs(measured)) * 100, 4);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const dateKeyOf = (ms: number) => Number(new Date(ms).toISOString().slice(0, 10).replaceAll('-', ''));

/** One row per predicted cell; a cell the plant did not report in the window keeps null measurements. */
export function accuracyRows(
  run: AccuracyRun,
  startedMs: number,
  predicted: readonly CellPredictionAtRun[],
  measured: ReadonlyMap<string, SettledMeasurement>,
  window: AccuracyWindow,
): AccuracyRow[] {
  return predicted.map((p) => {
    const m = measured.get(p.cellId) ?? {};
    const voltage = m.cellVoltageV ?? null;
    const bath = m.bathTempC ?? null;
    const sec = voltage === null ? null : round((KWH_PER_KG_PER_VOLT * voltage) / p.currentEfficiency, 4);
    return {
      runId: run.runId,
      lineId: run.lineId,
      cellId: p.cellId,
      dateKey: dateKeyOf(startedMs),
      runCompletedMs: run.completedMs,
      measuredFromMs: window.fromMs,
      measuredToMs: window.toMs,
      predictedCellVoltageV: p.cellVoltageV,
      measuredCellVoltageV: voltage === null ? null : round(voltage, 4),
      cellVoltageApePct: ape(p.cellVoltageV, voltage),
      predictedBathTempC: p.bathTempC,
      measuredBathTempC: bath === null ? null : round(bath, 3),
      bathTempApePct: ape(p.bathTempC, bath),
      predictedSecKWhPerKg: p.secKWhPerKg,
      measuredSecKWhPerKg: sec,
      secApePct: ape(p.secKWhPerKg, sec),
      settleMinutes: window.settleMinutes,
    };
  });
}

/** A line's MAPE per quantity over the rows with a measurement (null when none has one), %. */
export interface LineAccuracy {
  lineId: string;
  cells: number;
  cellsMeasured: number;
  cellVoltageMapePct: number | null;
  bathTempMapePct: number | null;
  secMapePct: number | null;
  /** The quantities whose MAPE exceeds ACCURACY_ALERT_MAPE_PCT. */
  exceeded: ('cellVoltage' | 'bathTemp' | 'sec')[];
}

export function lineAccuracy(
  lineId: string,
  rows: readonly AccuracyRow[],
  limitPct = ACCURACY_ALERT_MAPE_PCT,
): LineAccuracy {
  const mean = (values: (number | null)[]) => {
    const v = values.filter((x): x is number => x !== null);
    return v.length ? round(v.reduce((s, x) => s + x, 0) / v.length, 4) : null;
  };
  const mapes = {
    cellVoltage: mean(rows.map((r) => r.cellVoltageApePct)),
    bathTemp: mean(rows.map((r) => r.bathTempApePct)),
    sec: mean(rows.map((r) => r.secApePct)),
  };
  return {
    lineId,
    cells: rows.length,
    cellsMeasured: rows.filter((r) => r.measuredCellVoltageV !== null || r.measuredBathTempC !== null).length,
    cellVoltageMapePct: mapes.cellVoltage,
    bathTempMapePct: mapes.bathTemp,
    secMapePct: mapes.sec,
    exceeded: (Object.keys(mapes) as (keyof typeof mapes)[]).filter((k) => (mapes[k] ?? 0) > limitPct),
  };
}
