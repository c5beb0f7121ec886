import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** Column types the lake uses. Timestamps are INT64 TIMESTAMP_MILLIS (UTC); INT64 holds sequence numbers. */
export type LakeColumnType = 'STRING' | 'DOUBLE' | 'INT32' | 'INT64' | 'TIMESTAMP';

export interface LakeColumn {
  name: string;
  type: LakeColumnType;
  /** Values in JS form: numbers for INT64 and TIMESTAMP (epoch ms), null where nullable. */
  data: readonly (string | number | null)[];
  nullable?: boolean;
  /** Min/max statistics for readers' predicate pushdown (default true); off where no query filters on the column. */
  statistics?: boolean;
  /** 'PLAIN' skips the dictionary trial, for columns whose values rarely repeat (measured doubles). */
  encoding?: 'PLAIN';
}

/** Encodes columns to a Parquet file (snappy, one row group per 100,000 rows, statistics on). */
export function encodeParquet(columns: readonly LakeColumn[]): Uint8Array {
  const columnData = columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable ?? false,
    statistics: c.statistics ?? true,
    ...(c.encoding ? { encoding: c.encoding } : {}),
    data:
      c.type === 'INT64'
        ? c.data.map((v) => (v === null ? null : BigInt(v as number)))
        : (c.data as (string | number | null)[]),
  }));
  const buf = parquetWriteBuffer({ columnData, codec: 'SNAPPY', rowGroupSize: 100_000 });
  return new Uint8Array(buf);
}

/** Decodes a Parquet file to row objects (only `columns` when given): INT64 and timestamps become numbers (epoch ms). */
export async function decodeParquet(
  bytes: Uint8Array,
  columns?: readonly string[],
): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({
    file,
    ...(columns ? { columns: [...columns] } : {}),
    parsers: { timestampFromMilliseconds: (ms: bigint) => Number(ms) },
  });
  for (const r of rows) for (const k in r) if (typeof r[k] === 'bigint') r[k] = Number(r[k]);
  return rows;
}

/** Row count from the footer, without decoding data. */
export function parquetRowCount(bytes: Uint8Array): number {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return Number(parquetMetadata(file).num_rows);
}
