/** Dimension rows: cells and lines seen, the tag catalogue, a calendar and the minutes of a day. */
import { TAG_CATALOGUE, TAGS } from '../telemetry/tag-catalogue.js';
import type { GoldRow } from './table-io.js';
import { dateKeyOf } from './minute-facts.js';

const DAY_MS = 86_400_000;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** dim_cell rows for cell ids (sorted, distinct). */
export function cellRows(cellIds: Iterable<string>, lineOf: (cellId: string) => string): GoldRow[] {
  return [...new Set(cellIds)].sort().map((cellId) => {
    const lineSensor = cellId.endsWith('-LINE');
    const no = /(\d+)$/.exec(cellId);
    return {
      cellId,
      lineId: lineOf(cellId),
      cellNo: lineSensor || !no ? null : Number(no[1]),
      isLineSensor: lineSensor,
    };
  });
}

/** dim_line rows from dim_cell rows. */
export function lineRows(cells: readonly GoldRow[], plantId: string): GoldRow[] {
  const count = new Map<string, number>();
  for (const c of cells) count.set(c.lineId as string, (count.get(c.lineId as string) ?? 0) + (c.isLineSensor ? 0 : 1));
  return [...count.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([lineId, cells]) => ({ lineId, plantId, cells }));
}

/** dim_tag rows from the tag catalogue. */
export function tagRows(): GoldRow[] {
  return TAGS.map((t) => {
    const s = TAG_CATALOGUE[t];
    return {
      tag: t,
      canonicalUnit: s.canonicalUnit,
      minValue: s.minValue,
      maxValue: s.maxValue,
      expectedIntervalMs: s.expectedIntervalMs,
      interpolated: s.interpolate,
    };
  });
}

/** ISO 8601 week number of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / DAY_MS + 1) / 7);
}

/** dim_date rows for every day of the given years. */
export function dateRows(years: Iterable<number>): GoldRow[] {
  const out: GoldRow[] = [];
  for (const year of [...new Set(years)].sort()) {
    for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS) {
      const d = new Date(ms);
      out.push({
        dateKey: dateKeyOf(ms),
        date: d.toISOString().slice(0, 10),
        dateStartMs: ms,
        year,
        quarter: Math.floor(d.getUTCMonth() / 3) + 1,
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        isoWeek: isoWeek(d),
        weekday: d.getUTCDay() || 7,
        monthName: MONTHS[d.getUTCMonth()]!,
      });
    }
  }
  return out;
}

/** dim_time rows: the 1440 minutes of a day with the plant's three eight-hour shifts. */
export function timeRows(): GoldRow[] {
  const out: GoldRow[] = [];
  for (let k = 0; k < 1440; k++) {
    const hour = Math.floor(k / 60);
    const minute = k % 60;
    const shift = hour >= 6 && hour < 14 ? 'A' : hour >= 14 && hour < 22 ? 'B' : 'C';
    out.push({
      timeKey: k,
      hour,
      minute,
      label: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
      shift,
    });
  }
  return out;
}
