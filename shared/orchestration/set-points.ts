/**
 * The optimiser's answer in the PLC's terms. The optimiser moves ACD, the alumina and excess-AlF3 targets and the
 * line current; a pot's PLC takes ACD, feed interval, AlF3 addition (shared/scada/set-point.ts) and the rectifier takes
 * line current. So, per cell:
 * - ACD → `acdCm` as recommended;
 * - a new excess-AlF3 target → the `alf3AdditionKgPerDay` that holds it (the optimiser's predicted addition);
 * - a new alumina target or line current → the `feedIntervalS` that supplies the predicted alumina consumption
 *   (the PLC protocol has no alumina-target field; its feed controller tracks around the interval);
 * and a new line current → `lineCurrentKA` on `<line>-LINE`. A value that rounds to the present one is not sent, and
 * a cell the run holds (manual, or refused by the envelope) gets nothing, even when the line current moves.
 */
import type { FeasibleRecommendation } from '../optimize/recommendation.js';
import { LINE_EQUIPMENT_SUFFIX, type PresentValues, type SetPointValues } from '../plant/set-point.js';

/** Resolution of the derived set points: feeder timers work in whole seconds; AlF3 dosing in 0.1 kg/day. */
const FEED_INTERVAL_STEP_S = 1;
const ALF3_ADDITION_STEP_KG_PER_DAY = 0.1;

/** One piece of equipment's recommended set point and the present values it moves from. */
export interface EquipmentSetPoint {
  equipmentId: string;
  setPoint: SetPointValues;
  present: PresentValues;
}

/** The set points a feasible recommendation asks the plant for, cells in line order and the rectifier first. */
export function plantSetPointsOf(
  rec: FeasibleRecommendation,
  held: ReadonlySet<string> = new Set(),
): EquipmentSetPoint[] {
  const out: EquipmentSetPoint[] = [];
  const lineChange = rec.changes.find((c) => c.variable === 'lineCurrentKA');
  if (lineChange)
    out.push({
      equipmentId: `${rec.lineId}${LINE_EQUIPMENT_SUFFIX}`,
      setPoint: { lineCurrentKA: lineChange.to },
      present: { lineCurrentKA: lineChange.from },
    });
  const byCell = new Map<string, FeasibleRecommendation['changes']>();
  for (const c of rec.changes)
    if (c.variable !== 'lineCurrentKA') byCell.set(c.cellId, [...(byCell.get(c.cellId) ?? []), c]);
  for (const effect of rec.cellEffects) {
    if (held.has(effect.cellId)) continue;
    const changes = byCell.get(effect.cellId) ?? [];
    const setPoint: { -readonly [K in keyof SetPointValues]: SetPointValues[K] } = {};
    const present: { -readonly [K in keyof PresentValues]: PresentValues[K] } = {};
    const acd = changes.find((c) => c.variable === 'acdCm');
    if (acd) {
      setPoint.acdCm = acd.to;
      present.acdCm = acd.from;
    }
    if (changes.some((c) => c.variable === 'alf3TargetPct')) {
      const to = roundTo(effect.alf3AdditionKgPerDay.after, ALF3_ADDITION_STEP_KG_PER_DAY);
      const from = roundTo(effect.alf3AdditionKgPerDay.before, ALF3_ADDITION_STEP_KG_PER_DAY);
      if (to !== from) {
        setPoint.alf3AdditionKgPerDay = to;
        present.alf3AdditionKgPerDay = from;
      }
    }
    if (lineChange || changes.some((c) => c.variable === 'aluminaTargetPct')) {
      const to = roundTo(effect.feedIntervalS.after, FEED_INTERVAL_STEP_S);
      const from = roundTo(effect.feedIntervalS.before, FEED_INTERVAL_STEP_S);
      if (to !== from) {
        setPoint.feedIntervalS = to;
        present.feedIntervalS = from;
      }
    }
    if (Object.keys(setPoint).length > 0) out.push({ equipmentId: effect.cellId, setPoint, present });
  }
  return out;
}

/** Cells (not the rectifier) among the set points. */
export function cellsIn(setPoints: readonly EquipmentSetPoint[]): number {
  return setPoints.filter((s) => !s.equipmentId.endsWith(LINE_EQUIPMENT_SUFFIX)).length;
}

const roundTo = (x: number, step: number) => Math.round(Math.round(x / step) * step * 1e6) / 1e6;
