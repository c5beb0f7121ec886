/**
 * A line's anode-effect history per cell over the last day, from gold `fact_cell_hour`: what an optimisation run's
 * snapshot takes (shared/orchestration/line-snapshot.ts reads it through its `anodeEffectHistory` port).
 */
import type { LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { goldDataPath } from './paths.js';
import { FACT_CELL_HOUR } from './schema.js';
import { decodeGoldTable } from './table-io.js';

/** Gold anode-effect history used, ms (one day). */
export const ANODE_EFFECT_HISTORY_WINDOW_MS = 86_400_000;

/** One cell's anode effects in the window, and how much of it gold covers (days with voltage readings). */
export interface CellAnodeEffectHistory {
  coveredDays: number;
  anodeEffects: number;
  anodeEffectMinutes: number;
}

/** Per cell of the line, its anode effects in the day before `nowMs`; cells gold has no voltage minutes for are absent. */
export async function anodeEffectHistory(
  lake: LakeStore,
  lineId: string,
  nowMs: number,
): Promise<Map<string, CellAnodeEffectHistory>> {
  const out = new Map<string, CellAnodeEffectHistory>();
  const dates = [...new Set([utcDate(nowMs - ANODE_EFFECT_HISTORY_WINDOW_MS), utcDate(nowMs)])];
  const rows = [];
  for (const date of dates) {
    const bytes = await lake.get('gold', goldDataPath(FACT_CELL_HOUR.name, { date, lineId }));
    if (bytes) rows.push(...(await decodeGoldTable(bytes)));
  }
  const perCell = new Map<string, { minutes: number; count: number; aeMinutes: number }>();
  for (const r of rows) {
    const start = Number(r.hourStartMs);
    if (!(start >= nowMs - ANODE_EFFECT_HISTORY_WINDOW_MS && start < nowMs)) continue;
    const cellId = String(r.cellId);
    const acc = perCell.get(cellId) ?? { minutes: 0, count: 0, aeMinutes: 0 };
    acc.minutes += Number(r.minutesWithVoltage ?? 0);
    acc.count += Number(r.anodeEffectCount ?? 0);
    acc.aeMinutes += Number(r.anodeEffectMinutes ?? 0);
    perCell.set(cellId, acc);
  }
  for (const [cellId, a] of perCell)
    if (a.minutes > 0)
      out.set(cellId, { coveredDays: a.minutes / 1440, anodeEffects: a.count, anodeEffectMinutes: a.aeMinutes });
  return out;
}
