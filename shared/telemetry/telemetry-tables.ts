import type { MinuteAggregate } from './aggregates.js';
import type { BatchQuality } from './data-quality.js';
import { FLAG_NAMES, flagNames, flagMask, type FlagName } from './flags.js';
import type { Quality } from './quality.js';
import { QUARANTINE_REASONS, type SilverRow } from './records.js';
import { decodeParquet, encodeParquet, type LakeColumn } from '../lake/parquet.js';

/**
 * Silver `telemetry` columns: Parquet name, the SilverRow field, type. Time columns are UTC instants named for what
 * they are (the point's event time, the Event Hubs enqueued time); files written before that carried the field names.
 */
export const SILVER_COLUMNS = [
  { name: 'lineId', field: 'lineId', type: 'STRING', statistics: true },
  { name: 'cellId', field: 'cellId', type: 'STRING', statistics: true },
  { name: 'tag', field: 'tag', type: 'STRING', statistics: true },
  { name: 'eventTimeUtc', field: 'tsMs', type: 'TIMESTAMP', statistics: true },
  { name: 'value', field: 'value', type: 'DOUBLE' },
  { name: 'unit', field: 'unit', type: 'STRING' },
  { name: 'rawValue', field: 'rawValue', type: 'DOUBLE' },
  { name: 'rawUnit', field: 'rawUnit', type: 'STRING' },
  { name: 'quality', field: 'quality', type: 'STRING' },
  { name: 'flags', field: 'flags', type: 'STRING' },
  { name: 'seq', field: 'seq', type: 'INT64', nullable: true },
  { name: 'partition', field: 'partition', type: 'STRING' },
  { name: 'sequenceNumber', field: 'sequenceNumber', type: 'INT64' },
  { name: 'enqueuedTimeUtc', field: 'enqueuedMs', type: 'TIMESTAMP' },
] as const satisfies readonly {
  name: string;
  field: keyof SilverRow;
  type: LakeColumn['type'];
  nullable?: boolean;
  statistics?: boolean;
}[];

/**
 * Silver `telemetry` as Parquet: one row per point; flags as a comma-joined string ('' for none). Statistics are
 * kept on the columns queries filter by (line, cell, tag, time). `metadata` goes into the footer.
 */
export function encodeSilver(
  rows: readonly SilverRow[],
  opts: { metadata?: Record<string, string>; rowGroupSize?: number } = {},
): Uint8Array {
  const data = silverColumnData(rows);
  return encodeParquet(
    SILVER_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: 'nullable' in c,
      statistics: 'statistics' in c,
      data: data[c.field],
    })),
    opts,
  );
}

/**
 * The rows' values column by column, in one pass with a fixed property per column: reading `row[field]` with the
 * field varying is a megamorphic lookup per value, which cost more than the Parquet encoding it feeds.
 */
function silverColumnData(rows: readonly SilverRow[]): Record<keyof SilverRow, ArrayLike<string | number | null>> {
  const n = rows.length;
  const lineId = new Array<string>(n);
  const cellId = new Array<string>(n);
  const tag = new Array<string>(n);
  const tsMs = new Float64Array(n);
  const value = new Float64Array(n);
  const unit = new Array<string>(n);
  const rawValue = new Float64Array(n);
  const rawUnit = new Array<string>(n);
  const quality = new Array<string>(n);
  const flags = new Array<string>(n);
  const seq = new Array<number | null>(n);
  const partition = new Array<string>(n);
  const sequenceNumber = new Float64Array(n);
  const enqueuedMs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    lineId[i] = r.lineId;
    cellId[i] = r.cellId;
    tag[i] = r.tag;
    tsMs[i] = r.tsMs;
    value[i] = r.value;
    unit[i] = r.unit;
    rawValue[i] = r.rawValue;
    rawUnit[i] = r.rawUnit;
    quality[i] = r.quality;
    flags[i] = joinedFlags(r.flags);
    seq[i] = r.seq;
    partition[i] = r.partition;
    sequenceNumber[i] = r.sequenceNumber;
    enqueuedMs[i] = r.enqueuedMs;
  }
  return {
    lineId,
    cellId,
    tag,
    tsMs,
    value,
    unit,
    rawValue,
    rawUnit,
    quality,
    flags,
    seq,
    partition,
    sequenceNumber,
    enqueuedMs,
  };
}

const joined = new WeakMap<readonly string[], string>();
/** The comma-joined flags of a row, cached per (shared, frozen) flags array. */
function joinedFlags(flags: readonly string[]): string {
  let s = joined.get(flags);
  if (s === undefined) {
    s = flags.join(',');
    joined.set(flags, s);
  }
  return s;
}

/** Reads a silver Parquet file back into rows (files of either column naming). */
export async function decodeSilver(bytes: Uint8Array): Promise<SilverRow[]> {
  return (await decodeParquet(bytes)).map((r) => ({
    lineId: r.lineId as string,
    cellId: r.cellId as string,
    tag: r.tag as string,
    tsMs: (r.eventTimeUtc ?? r.tsMs) as number,
    value: r.value as number,
    unit: r.unit as string,
    rawValue: r.rawValue as number,
    rawUnit: r.rawUnit as string,
    quality: r.quality as Quality,
    flags: flagNames(flagMask(r.flags ? (r.flags as string).split(',') : [])) as readonly FlagName[],
    seq: (r.seq as number | null | undefined) ?? null,
    partition: r.partition as string,
    sequenceNumber: r.sequenceNumber as number,
    enqueuedMs: (r.enqueuedTimeUtc ?? r.enqueuedMs) as number,
  }));
}

/**
 * Columns of gold `telemetry_minute`: Parquet name, MinuteAggregate field, type, nullable; statistics on the first
 * five (the filter keys). Time columns are UTC instants named as in fact_cell_minute.
 */
const MINUTE_COLUMNS: [string, keyof MinuteAggregate, LakeColumn['type'], boolean][] = [
  ['lineId', 'lineId', 'STRING', false],
  ['cellId', 'cellId', 'STRING', false],
  ['tag', 'tag', 'STRING', false],
  ['unit', 'unit', 'STRING', false],
  ['minuteStartUtc', 'minuteStartMs', 'TIMESTAMP', false],
  ['count', 'count', 'INT32', false],
  ['sum', 'sum', 'DOUBLE', false],
  ['sumSq', 'sumSq', 'DOUBLE', false],
  ['min', 'min', 'DOUBLE', true],
  ['max', 'max', 'DOUBLE', true],
  ['firstReadingUtc', 'firstTsMs', 'TIMESTAMP', true],
  ['firstValue', 'firstValue', 'DOUBLE', true],
  ['lastReadingUtc', 'lastTsMs', 'TIMESTAMP', true],
  ['lastValue', 'lastValue', 'DOUBLE', true],
  ['goodCount', 'goodCount', 'INT32', false],
  ['flaggedCount', 'flaggedCount', 'INT32', false],
];

/** Gold `telemetry_minute` as Parquet (mergeable partial aggregates). */
export function encodeMinuteAggregates(aggs: readonly MinuteAggregate[]): Uint8Array {
  const data = minuteColumnData(aggs);
  return encodeParquet(
    MINUTE_COLUMNS.map(([name, field, type, nullable], i) => ({
      name,
      type,
      nullable,
      statistics: i < 5,
      data: data[field],
    })),
  );
}

/** The aggregates' values column by column, in one pass (see silverColumnData for why). */
function minuteColumnData(
  aggs: readonly MinuteAggregate[],
): Record<keyof MinuteAggregate, ArrayLike<string | number | null>> {
  const n = aggs.length;
  const lineId = new Array<string>(n);
  const cellId = new Array<string>(n);
  const tag = new Array<string>(n);
  const unit = new Array<string>(n);
  const minuteStartMs = new Float64Array(n);
  const count = new Float64Array(n);
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const min = new Array<number | null>(n);
  const max = new Array<number | null>(n);
  const firstTsMs = new Array<number | null>(n);
  const firstValue = new Array<number | null>(n);
  const lastTsMs = new Array<number | null>(n);
  const lastValue = new Array<number | null>(n);
  const goodCount = new Float64Array(n);
  const flaggedCount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = aggs[i]!;
    lineId[i] = a.lineId;
    cellId[i] = a.cellId;
    tag[i] = a.tag;
    unit[i] = a.unit;
    minuteStartMs[i] = a.minuteStartMs;
    count[i] = a.count;
    sum[i] = a.sum;
    sumSq[i] = a.sumSq;
    min[i] = a.min;
    max[i] = a.max;
    firstTsMs[i] = a.firstTsMs;
    firstValue[i] = a.firstValue;
    lastTsMs[i] = a.lastTsMs;
    lastValue[i] = a.lastValue;
    goodCount[i] = a.goodCount;
    flaggedCount[i] = a.flaggedCount;
  }
  return {
    lineId,
    cellId,
    tag,
    unit,
    minuteStartMs,
    count,
    sum,
    sumSq,
    min,
    max,
    firstTsMs,
    firstValue,
    lastTsMs,
    lastValue,
    goodCount,
    flaggedCount,
  };
}

/** Reads gold `telemetry_minute` rows back (files of either column naming: the field names were used before). */
export async function decodeMinuteAggregates(bytes: Uint8Array): Promise<MinuteAggregate[]> {
  return (await decodeParquet(bytes)).map((r) => {
    const a = {} as Record<string, unknown>;
    for (const [name, field] of MINUTE_COLUMNS) a[field] = r[name] ?? r[field] ?? null;
    return a as unknown as MinuteAggregate;
  });
}

/** Gold `data_quality_batch` as Parquet: one row per batch, one column per flag and per quarantine reason. */
export function encodeBatchQuality(q: BatchQuality): Uint8Array {
  const one = (name: string, type: LakeColumn['type'], v: string | number): LakeColumn => ({ name, type, data: [v] });
  return encodeParquet([
    one('partition', 'STRING', q.partition),
    one('firstSeq', 'INT64', q.firstSeq),
    one('lastSeq', 'INT64', q.lastSeq),
    one('firstEnqueuedTimeUtc', 'TIMESTAMP', q.firstEnqueuedMs),
    one('pointsIn', 'INT32', q.pointsIn),
    one('silverRows', 'INT32', q.silverRows),
    one('interpolatedRows', 'INT32', q.interpolatedRows),
    one('goodRows', 'INT32', q.goodRows),
    one('excludedRows', 'INT32', q.excludedRows),
    one('quarantined', 'INT32', q.quarantined),
    ...FLAG_NAMES.map((f) => one(`flag_${f}`, 'INT32', q.flaggedByFlag[f])),
    ...QUARANTINE_REASONS.map((r) => one(`quarantine_${r}`, 'INT32', q.quarantinedByReason[r])),
    one('processingMs', 'DOUBLE', q.processingMs),
  ]);
}
