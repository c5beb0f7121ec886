import type { MinuteAggregate } from './aggregates.js';
import type { BatchQuality } from './data-quality.js';
import { FLAG_NAMES, flagNames, flagMask, type FlagName } from './flags.js';
import type { Quality } from './quality.js';
import { QUARANTINE_REASONS, type SilverRow } from './records.js';
import { decodeParquet, encodeParquet, type LakeColumn } from '../lake/parquet.js';

/**
 * Silver `telemetry` as Parquet: one row per point; flags as a comma-joined string ('' for none). Statistics are
 * kept on the columns queries filter by (line, cell, tag, time); measured doubles skip the dictionary trial.
 */
export function encodeSilver(rows: readonly SilverRow[]): Uint8Array {
  const col = <K extends keyof SilverRow>(
    name: K,
    type: LakeColumn['type'],
    opts: Partial<LakeColumn> = {},
  ): LakeColumn => ({
    name,
    type,
    statistics: false,
    data: rows.map((r) => r[name] as string | number | null),
    ...opts,
  });
  const stats = { statistics: true };
  const measured = { encoding: 'PLAIN' as const };
  return encodeParquet([
    col('lineId', 'STRING', stats),
    col('cellId', 'STRING', stats),
    col('tag', 'STRING', stats),
    col('tsMs', 'TIMESTAMP', stats),
    col('value', 'DOUBLE', measured),
    col('unit', 'STRING'),
    col('rawValue', 'DOUBLE', measured),
    col('rawUnit', 'STRING'),
    col('quality', 'STRING'),
    { name: 'flags', type: 'STRING', statistics: false, data: rows.map((r) => joinedFlags(r.flags)) },
    col('seq', 'INT64', { nullable: true }),
    col('partition', 'STRING'),
    col('sequenceNumber', 'INT64'),
    col('enqueuedMs', 'TIMESTAMP'),
  ]);
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

/** Reads a silver Parquet file back into rows. */
export async function decodeSilver(bytes: Uint8Array): Promise<SilverRow[]> {
  return (await decodeParquet(bytes)).map((r) => ({
    lineId: r.lineId as string,
    cellId: r.cellId as string,
    tag: r.tag as string,
    tsMs: r.tsMs as number,
    value: r.value as number,
    unit: r.unit as string,
    rawValue: r.rawValue as number,
    rawUnit: r.rawUnit as string,
    quality: r.quality as Quality,
    flags: flagNames(flagMask(r.flags ? (r.flags as string).split(',') : [])) as readonly FlagName[],
    seq: (r.seq as number | null | undefined) ?? null,
    partition: r.partition as string,
    sequenceNumber: r.sequenceNumber as number,
    enqueuedMs: r.enqueuedMs as number,
  }));
}

/** Columns of gold `telemetry_minute`: name, type, nullable; statistics on the first five (the filter keys). */
const MINUTE_COLUMNS: [keyof MinuteAggregate, LakeColumn['type'], boolean][] = [
  ['lineId', 'STRING', false],
  ['cellId', 'STRING', false],
  ['tag', 'STRING', false],
  ['unit', 'STRING', false],
  ['minuteStartMs', 'TIMESTAMP', false],
  ['count', 'INT32', false],
  ['sum', 'DOUBLE', false],
  ['sumSq', 'DOUBLE', false],
  ['min', 'DOUBLE', true],
  ['max', 'DOUBLE', true],
  ['firstTsMs', 'TIMESTAMP', true],
  ['firstValue', 'DOUBLE', true],
  ['lastTsMs', 'TIMESTAMP', true],
  ['lastValue', 'DOUBLE', true],
  ['goodCount', 'INT32', false],
  ['flaggedCount', 'INT32', false],
];

/** Gold `telemetry_minute` as Parquet (mergeable partial aggregates). */
export function encodeMinuteAggregates(aggs: readonly MinuteAggregate[]): Uint8Array {
  return encodeParquet(
    MINUTE_COLUMNS.map(([name, type, nullable], i) => ({
      name,
      type,
      nullable,
      statistics: i < 5,
      ...(type === 'DOUBLE' ? { encoding: 'PLAIN' as const } : {}),
      data: aggs.map((a) => a[name]),
    })),
  );
}

/** Reads gold `telemetry_minute` rows back. */
export async function decodeMinuteAggregates(bytes: Uint8Array): Promise<MinuteAggregate[]> {
  return (await decodeParquet(bytes)).map((r) => {
    const a = {} as Record<string, unknown>;
    for (const [name] of MINUTE_COLUMNS) a[name] = r[name] ?? null;
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
    one('firstEnqueuedMs', 'TIMESTAMP', q.firstEnqueuedMs),
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
