/**
 * Dimension rows: the plant's ISA-95 hierarchy (site, areas, lines, cells) from the plant model in force, with the
 * cells and lines history knows; the tag catalogue, a calendar and the minutes of a day.
 */
import type { PlantIndex } from '../plant/plant-index.js';
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

const LINE_SUFFIX = '-LINE';

/** The ISA-95 path of a node: its ids from the enterprise down, joined by "/". */
export function isa95Path(...ids: readonly string[]): string {
  return ids.join('/');
}

/** dim_site: the site of the plant model, under its enterprise. */
export function siteRows(plant: Pick<PlantIndex, 'model' | 'version'>): GoldRow[] {
  const { enterprise, site } = plant.model;
  return [
    {
      siteId: site.id,
      siteName: site.name,
      enterpriseId: enterprise.id,
      enterpriseName: enterprise.name,
      isa95Path: isa95Path(enterprise.id, site.id),
      plantModelVersion: plant.version,
    },
  ];
}

/** dim_area: the areas (potrooms) of the plant model. */
export function areaRows(plant: Pick<PlantIndex, 'model'>): GoldRow[] {
  const { enterprise, site, areas } = plant.model;
  return areas
    .map((a) => ({
      areaId: a.areaId,
      areaName: a.name,
      siteId: site.id,
      isa95Path: isa95Path(enterprise.id, site.id, a.areaId),
    }))
    .sort((a, b) => (a.areaId < b.areaId ? -1 : 1));
}

/** The ISA-95 path of a line of the plant model; undefined for a line it does not have. */
function linePath(plant: Pick<PlantIndex, 'model' | 'line'>, lineId: string): string | undefined {
  const entry = plant.line(lineId);
  return entry && isa95Path(plant.model.enterprise.id, plant.model.site.id, entry.area.areaId, lineId);
}

/**
 * dim_cell rows (sorted, distinct): every cell and line sensor of the plant model, with its position in the potroom,
 * and every cell of `seen` (cell id → line id: the curated data and earlier dimensions) the model does not have, so
 * history keeps its rows after a model change.
 */
export function cellRows(
  plant: Pick<PlantIndex, 'model' | 'line' | 'cell'>,
  seen: ReadonlyMap<string, string>,
): GoldRow[] {
  const lineOf = new Map(seen);
  for (const area of plant.model.areas)
    for (const line of area.lines) {
      lineOf.set(`${line.lineId}${LINE_SUFFIX}`, line.lineId);
      for (const cell of line.cells) lineOf.set(cell.cellId, line.lineId);
    }
  return [...lineOf.keys()].sort().map((cellId) => {
    const lineId = lineOf.get(cellId)!;
    const lineSensor = cellId === `${lineId}${LINE_SUFFIX}`;
    const no = /(\d+)$/.exec(cellId);
    const modelCell = plant.cell(cellId);
    const path = linePath(plant, lineId);
    return {
      cellId,
      lineId,
      cellNo: lineSensor || !no ? null : Number(no[1]),
      isLineSensor: lineSensor,
      potRow: modelCell?.cell.row ?? null,
      potColumn: modelCell?.cell.column ?? null,
      potroomSide: modelCell?.cell.side ?? null,
      isa95Path: path === undefined ? null : isa95Path(path, cellId),
      inPlantModel: modelCell !== undefined || (lineSensor && plant.line(lineId) !== undefined),
    };
  });
}

/** dim_line rows: every line of dim_cell, described by the plant model where it has the line. */
export function lineRows(
  plant: Pick<PlantIndex, 'model' | 'line'>,
  cells: readonly GoldRow[],
  plantId: string,
): GoldRow[] {
  const seenCells = new Map<string, number>();
  for (const c of cells)
    seenCells.set(c.lineId as string, (seenCells.get(c.lineId as string) ?? 0) + (c.isLineSensor ? 0 : 1));
  return [...seenCells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([lineId, seen]) => {
      const entry = plant.line(lineId);
      return {
        lineId,
        plantId,
        cells: entry ? entry.line.cells.length : seen,
        lineName: entry?.line.name ?? null,
        areaId: entry?.area.areaId ?? null,
        technology: entry?.line.technology ?? null,
        technologyName: entry?.technology.name ?? null,
        nominalCurrentKA: entry?.technology.nominalCurrentKA ?? null,
        isa95Path: linePath(plant, lineId) ?? null,
        inPlantModel: entry !== undefined,
      };
    });
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
