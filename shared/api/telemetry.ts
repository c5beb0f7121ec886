/**
 * One sensor's telemetry over a bounded time range, for the API: per-minute aggregates of the readings kept for gold
 * (cleansing flags excluded) from the curated `fact_cell_minute` table, one file per date × line × hour. Curated
 * minutes, not silver points: silver files are cut by Event Hub batch, so one sensor's hour is spread over hundreds
 * of files, while its curated minutes sit in one file per hour, sorted by cell and tag.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { InstantParam, isoOf } from '../http/instant.js';
import { decodeCursor, encodeCursor, Link, pageLinks } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import type { LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { lineOfEquipment } from '../plant/set-point.js';
import { CellId } from '../telemetry/ids.js';
import { TAGS, tagSpec } from '../telemetry/tag-catalogue.js';
import { GOLD_READ_CONCURRENCY, mapLimited, readGoldRows, type GoldRowCache } from '../gold/gold-reader.js';
import { goldDataPath } from '../gold/paths.js';
import { FACT_CELL_MINUTE } from '../gold/schema.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Longest range one request may ask for, hours (a day of minutes: 1,440 points at most). */
export const TELEMETRY_MAX_SPAN_H = 24;
/** Largest page, points: a whole day of minutes fits one page (each point is ~150 bytes of JSON). */
export const TELEMETRY_MAX_PAGE_SIZE = 1440;
/** Page size when the caller gives none, points: one hour of minutes. */
export const TELEMETRY_DEFAULT_PAGE_SIZE = 60;
/** Hour files fetched ahead while filling a page. */
const READ_AHEAD_HOURS = Math.min(4, GOLD_READ_CONCURRENCY);

/** Query of `GET v1/telemetry`: one cell's tag over [from, to), at most TELEMETRY_MAX_SPAN_H, a page at a time. */
export const TelemetryQuery = z
  .strictObject({
    cellId: CellId.describe("Cell (L1-C001) or a line's pseudo-cell for line-level tags (L1-LINE)"),
    tag: z.enum(TAGS).describe('Tag of the tag catalogue'),
    from: InstantParam,
    to: InstantParam,
    pageSize: z.coerce.number().int().min(1).max(TELEMETRY_MAX_PAGE_SIZE).default(TELEMETRY_DEFAULT_PAGE_SIZE),
    continuationToken: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'expected a continuation token from a previous page')
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (q.to - q.from > TELEMETRY_MAX_SPAN_H * HOUR_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range may span at most ${TELEMETRY_MAX_SPAN_H} h; split the request`,
      });
    }
  });
export type TelemetryQuery = z.infer<typeof TelemetryQuery>;

/** One minute of a sensor: statistics of the readings kept for gold (units: the tag's canonical unit). */
export const TelemetryMinute = z.object({
  minuteStart: z.iso.datetime(),
  /** Readings kept (not excluded by a cleansing flag). */
  count: z.number().int(),
  mean: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  /** Kept readings of good quality with no flag beyond the neutral ones. */
  goodCount: z.number().int(),
  /** Readings left out by a cleansing flag (spike, stuck, out of range, …). */
  flaggedCount: z.number().int(),
});
export type TelemetryMinute = z.infer<typeof TelemetryMinute>;

export const TelemetryPage = z.object({
  cellId: z.string(),
  tag: z.string(),
  /** Canonical unit of the tag. */
  unit: z.string(),
  resolution: z.literal('minute'),
  source: z.string(),
  items: z.array(TelemetryMinute),
  /** Pass back as `continuationToken` (with the same query) for the next page; absent on the last page. */
  continuationToken: z.string().optional(),
  links: z.array(Link),
});
export type TelemetryPage = z.infer<typeof TelemetryPage>;

const nullableNum = z
  .number()
  .nullable()
  .optional()
  .transform((v) => v ?? null);
const MinuteRow = z.object({
  cellId: z.string(),
  tag: z.string(),
  minuteStartMs: z.number(),
  count: z.number(),
  mean: nullableNum,
  min: nullableNum,
  max: nullableNum,
  firstValue: nullableNum,
  lastValue: nullableNum,
  goodCount: z.number(),
  flaggedCount: z.number(),
});
type MinuteRow = z.infer<typeof MinuteRow>;

const Cursor = z.object({ afterMs: z.number().int() });

const toMinute = (r: MinuteRow): TelemetryMinute => ({
  minuteStart: isoOf(r.minuteStartMs),
  count: r.count,
  mean: r.mean,
  min: r.min,
  max: r.max,
  first: r.firstValue,
  last: r.lastValue,
  goodCount: r.goodCount,
  flaggedCount: r.flaggedCount,
});

/** One page of a sensor's minutes over [from, to), in time order; 400 for a continuation token not from this range. */
export async function cellTelemetry(lake: LakeStore, q: TelemetryQuery, cache?: GoldRowCache): Promise<TelemetryPage> {
  let startMs = q.from;
  if (q.continuationToken) {
    const c = decodeCursor(q.continuationToken, Cursor);
    if (!c || c.afterMs < q.from || c.afterMs >= q.to) {
      throw new ApiError(
        'invalidInput',
        'continuationToken is not one this API issued for this range; start again without it.',
        [{ field: 'query.continuationToken', issue: 'unknown token' }],
      );
    }
    startMs = c.afterMs + MINUTE_MS;
  }
  const lineId = lineOfEquipment(q.cellId);
  const hours: number[] = [];
  for (let h = Math.floor(startMs / HOUR_MS) * HOUR_MS; h < q.to; h += HOUR_MS) hours.push(h);

  // pageSize + 1 points tell whether another page follows; hour files are read a few at a time until then.
  const found: MinuteRow[] = [];
  for (let i = 0; i < hours.length && found.length <= q.pageSize; i += READ_AHEAD_HOURS) {
    const batch = await mapLimited(hours.slice(i, i + READ_AHEAD_HOURS), READ_AHEAD_HOURS, (h) =>
      readGoldRows(
        lake,
        goldDataPath(FACT_CELL_MINUTE.name, { date: utcDate(h), lineId, hour: new Date(h).getUTCHours() }),
        MinuteRow,
        cache,
      ),
    );
    for (const rows of batch) {
      for (const r of rows ?? [])
        if (r.cellId === q.cellId && r.tag === q.tag && r.minuteStartMs >= startMs && r.minuteStartMs < q.to)
          found.push(r);
    }
  }
  found.sort((a, b) => a.minuteStartMs - b.minuteStartMs);
  const items = found.slice(0, q.pageSize);
  const last = items.at(-1);
  const next = found.length > q.pageSize && last ? encodeCursor({ afterMs: last.minuteStartMs }) : undefined;
  const params = { cellId: q.cellId, tag: q.tag, from: isoOf(q.from), to: isoOf(q.to), pageSize: q.pageSize };
  return {
    cellId: q.cellId,
    tag: q.tag,
    unit: tagSpec(q.tag)?.canonicalUnit ?? '',
    resolution: 'minute',
    source: `gold/${FACT_CELL_MINUTE.name}`,
    items: items.map(toMinute),
    ...(next ? { continuationToken: next } : {}),
    links: pageLinks(v1Path('telemetry'), params, q.continuationToken, next),
  };
}
