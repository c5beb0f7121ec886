/**
 * The ERP's view of a potline: production, energy, kWh/t, CO2e and anode effects per UTC day or hour, read from the
 * curated gold layer. Days come from `fact_line_day` as curation wrote them; hours are aggregated from
 * `fact_cell_hour` with the same formulas (buildLineDayFact) and the emission factors curation recorded in the day's
 * lineage manifest, so an hour and a day of the same data agree.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { InstantParam, isoOf } from '../http/instant.js';
import { Link } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import type { LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { LineId } from '../scada/override.js';
import { buildLineDayFact, type CellHourKpiInput } from '../gold/day-facts.js';
import { GOLD_READ_CONCURRENCY, mapLimited, readGoldRows, type GoldRowCache } from '../gold/gold-reader.js';
import { readManifest } from '../gold/gold-writer.js';
import type { KpiParameters } from '../gold/kpi.js';
import { goldDataPath, goldLineagePath } from '../gold/paths.js';
import { DIM_LINE, FACT_CELL_HOUR, FACT_LINE_DAY } from '../gold/schema.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Longest range per grain, days: a quarter of days (the ERP books monthly), a week of hours (168 rows). */
export const KPI_MAX_SPAN_DAYS = { day: 92, hour: 7 } as const;

export const KpiGrain = z.enum(['hour', 'day']);
export type KpiGrain = z.infer<typeof KpiGrain>;

export const LineKpiPath = z.strictObject({ lineId: LineId });

/**
 * Query of `GET v1/lines/{lineId}/kpis`: the periods starting in [from, to), both on a boundary of the grain (UTC
 * midnight for days, a whole hour for hours); at most KPI_MAX_SPAN_DAYS of the grain.
 */
export const LineKpiQuery = z
  .strictObject({
    from: InstantParam,
    to: InstantParam,
    grain: KpiGrain.default('day').describe('Period length: day (UTC days, the default) or hour'),
  })
  .superRefine((q, ctx) => {
    const issue = (field: 'from' | 'to', message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    const step = q.grain === 'day' ? DAY_MS : HOUR_MS;
    const boundary =
      q.grain === 'day' ? 'UTC midnight (e.g. 2026-11-22)' : 'a whole UTC hour (e.g. 2026-11-22T10:00:00Z)';
    if (q.from % step !== 0) issue('from', `must be at ${boundary} for grain=${q.grain}`);
    if (q.to % step !== 0) issue('to', `must be at ${boundary} for grain=${q.grain}`);
    if (q.to <= q.from) issue('to', 'must be after from');
    else if (q.to - q.from > KPI_MAX_SPAN_DAYS[q.grain] * DAY_MS) {
      issue(
        'to',
        `the range may span at most ${KPI_MAX_SPAN_DAYS[q.grain]} days for grain=${q.grain}; split the request`,
      );
    }
  });
export type LineKpiQuery = z.infer<typeof LineKpiQuery>;

/** What the ERP books for a period (units in the names). */
export const KpiFigures = z.object({
  productionT: z.number().describe('Aluminium produced (Faraday estimate), t'),
  energyKWh: z.number().describe('Electrical energy of the cells, kWh'),
  secKWhPerT: z.number().nullable().describe('Specific energy consumption, kWh/t Al; null when nothing was produced'),
  co2eElectricityT: z.number(),
  co2eAnodeT: z.number(),
  co2ePfcT: z.number(),
  co2eTotalT: z.number().describe('Electricity + anode + PFC, t CO2e'),
  anodeEffectCount: z.number().int(),
  anodeEffectMinutes: z.number(),
});
export type KpiFigures = z.infer<typeof KpiFigures>;

export const KpiPeriod = KpiFigures.extend({
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  /** Cells with data in the period. */
  cells: z.number().int(),
  /** Observed cell-time: Σ minutes with cell voltage / 1440, cell-days. */
  cellDays: z.number(),
  /** Good readings / all readings. */
  goodRatio: z.number().nullable(),
});
export type KpiPeriod = z.infer<typeof KpiPeriod>;

export const LineKpis = z.object({
  lineId: z.string(),
  grain: KpiGrain,
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Periods with curated data, in time order; a period without any is left out. */
  periods: z.array(KpiPeriod),
  /** Sums over the periods (secKWhPerT from the summed energy and production). */
  totals: KpiFigures,
  /** The gold table the figures come from. */
  source: z.string(),
  links: z.array(Link),
});
export type LineKpis = z.infer<typeof LineKpis>;

const num = z.number();
const nullableNum = z
  .number()
  .nullable()
  .optional()
  .transform((v) => v ?? null);
const LineDayRow = z.object({
  dateKey: num,
  cells: num,
  cellDays: num,
  productionT: num,
  energyMWh: num,
  secKWhPerT: nullableNum,
  co2eElectricityT: num,
  co2eAnodeT: num,
  co2ePfcT: num,
  co2eTotalT: num,
  anodeEffectCount: num,
  anodeEffectMinutes: num,
  goodRatio: nullableNum,
});
const CellHourRow = z.object({
  lineId: z.string(),
  cellId: z.string(),
  dateKey: num,
  hour: num,
  hourStartMs: num,
  minutesWithVoltage: num,
  energyKWh: num,
  productionEstKg: num,
  aluminaFedKg: num,
  anodeEffectCount: num,
  anodeEffectMinutes: num,
  readingsTotal: num,
  readingsGood: num,
});
const DimLineRow = z.object({ lineId: z.string() });

/** The KPI parameters a manifest recorded, when it recorded all of them. */
const RecordedParameters = z.object({
  gridCo2KgPerKWh: num,
  anodeCo2TPerTAl: num,
  pfcSefCf4: num,
  pfcFC2f6: num,
  gwpCf4: num,
  gwpC2f6: num,
  currentEfficiency: num,
  anodeEffectThresholdV: num,
  baselineTAlPerCellDay: num,
});

function figures(f: {
  productionT: number;
  energyKWh: number;
  co2eElectricityT: number;
  co2eAnodeT: number;
  co2ePfcT: number;
  co2eTotalT: number;
  anodeEffectCount: number;
  anodeEffectMinutes: number;
}): KpiFigures {
  return {
    productionT: f.productionT,
    energyKWh: f.energyKWh,
    secKWhPerT: f.productionT > 0 ? f.energyKWh / f.productionT : null,
    co2eElectricityT: f.co2eElectricityT,
    co2eAnodeT: f.co2eAnodeT,
    co2ePfcT: f.co2ePfcT,
    co2eTotalT: f.co2eTotalT,
    anodeEffectCount: f.anodeEffectCount,
    anodeEffectMinutes: f.anodeEffectMinutes,
  };
}

function totalsOf(periods: readonly KpiPeriod[]): KpiFigures {
  const sum = (k: keyof KpiFigures) => periods.reduce((a, p) => a + (p[k] ?? 0), 0);
  return figures({
    productionT: sum('productionT'),
    energyKWh: sum('energyKWh'),
    co2eElectricityT: sum('co2eElectricityT'),
    co2eAnodeT: sum('co2eAnodeT'),
    co2ePfcT: sum('co2ePfcT'),
    co2eTotalT: sum('co2eTotalT'),
    anodeEffectCount: sum('anodeEffectCount'),
    anodeEffectMinutes: sum('anodeEffectMinutes'),
  });
}

/** UTC dates (YYYY-MM-DD) of the days that [fromMs, toMs) touches. */
function datesOf(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let t = Math.floor(fromMs / DAY_MS) * DAY_MS; t < toMs; t += DAY_MS) out.push(utcDate(t));
  return out;
}

async function dayPeriods(
  lake: LakeStore,
  lineId: string,
  q: LineKpiQuery,
  cache: GoldRowCache | undefined,
): Promise<KpiPeriod[]> {
  const days = await mapLimited(datesOf(q.from, q.to), GOLD_READ_CONCURRENCY, (date) =>
    readGoldRows(lake, goldDataPath(FACT_LINE_DAY.name, { date, lineId }), LineDayRow, cache),
  );
  return days.flatMap((rows) =>
    (rows ?? []).map((r) => {
      const start = Date.UTC(Math.floor(r.dateKey / 10_000), (Math.floor(r.dateKey / 100) % 100) - 1, r.dateKey % 100);
      return {
        periodStart: isoOf(start),
        periodEnd: isoOf(start + DAY_MS),
        ...figures({ ...r, energyKWh: r.energyMWh * 1000 }),
        cells: r.cells,
        cellDays: r.cellDays,
        goodRatio: r.goodRatio,
      };
    }),
  );
}

async function hourPeriods(
  lake: LakeStore,
  lineId: string,
  q: LineKpiQuery,
  fallback: KpiParameters,
  cache: GoldRowCache | undefined,
): Promise<KpiPeriod[]> {
  const days = await mapLimited(datesOf(q.from, q.to), GOLD_READ_CONCURRENCY, async (date) => {
    const manifestPath = goldLineagePath(FACT_CELL_HOUR.name, { date, lineId });
    const readParameters = async () => {
      const m = await readManifest(lake, manifestPath);
      return m ? [m.parameters] : undefined;
    };
    const [rows, parameters] = await Promise.all([
      readGoldRows(lake, goldDataPath(FACT_CELL_HOUR.name, { date, lineId }), CellHourRow, cache),
      cache ? cache.getOrRead(manifestPath, readParameters) : readParameters(),
    ]);
    const recorded = RecordedParameters.safeParse(parameters?.[0]);
    return { rows: rows ?? [], params: recorded.success ? recorded.data : fallback };
  });
  const periods: KpiPeriod[] = [];
  for (const { rows, params } of days) {
    const byHour = new Map<number, CellHourKpiInput[]>();
    for (const r of rows)
      if (r.hourStartMs >= q.from && r.hourStartMs < q.to)
        byHour.set(r.hourStartMs, [...(byHour.get(r.hourStartMs) ?? []), r]);
    for (const [start, hours] of [...byHour].sort((a, b) => a[0] - b[0])) {
      const f = buildLineDayFact(hours, params);
      if (!f) continue;
      periods.push({
        periodStart: isoOf(start),
        periodEnd: isoOf(start + HOUR_MS),
        ...figures({ ...f, energyKWh: f.energyMWh * 1000 }),
        cells: f.cells,
        cellDays: f.cellDays,
        goodRatio: f.goodRatio,
      });
    }
  }
  return periods;
}

/**
 * A line's KPIs per period of the grain over [from, to). 404 ERR-4042 when curation has never seen the line (it is
 * not in dim_line); periods without curated data are left out. `fallback` are the emission factors to use for hours
 * whose day manifest did not record them (the current settings). With a cache, partitions read within its TTL are
 * answered from memory (figures may then lag a curation run by up to the TTL).
 */
export async function lineKpis(
  lake: LakeStore,
  lineId: string,
  q: LineKpiQuery,
  fallback: KpiParameters,
  cache?: GoldRowCache,
): Promise<LineKpis> {
  const lines = await readGoldRows(lake, goldDataPath(DIM_LINE.name, {}), DimLineRow, cache);
  if (!lines?.some((l) => l.lineId === lineId)) {
    throw new ApiError(
      'notFound',
      `Line ${lineId} has no curated gold data. Check the id (e.g. L1); a line appears after its first hour is curated.`,
      [{ field: 'path.lineId', issue: 'no curated data for this line' }],
    );
  }
  const periods =
    q.grain === 'day' ? await dayPeriods(lake, lineId, q, cache) : await hourPeriods(lake, lineId, q, fallback, cache);
  const base = v1Path(`lines/${encodeURIComponent(lineId)}/kpis`);
  return {
    lineId,
    grain: q.grain,
    from: isoOf(q.from),
    to: isoOf(q.to),
    periods,
    totals: totalsOf(periods),
    source: q.grain === 'day' ? `gold/${FACT_LINE_DAY.name}` : `gold/${FACT_CELL_HOUR.name}`,
    links: [
      {
        rel: 'self',
        href: `${base}?${new URLSearchParams({ from: isoOf(q.from), to: isoOf(q.to), grain: q.grain }).toString()}`,
      },
    ],
  };
}
