import { parquetMetadata, parquetRead, parquetReadObjects } from 'hyparquet';

export { encodeParquet, ParquetWriteError } from './parquet-writer.js';
export type { LakeColumn, LakeColumnType, ParquetWriteOptions } from './parquet-writer.js';

const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/**
 * Decodes a Parquet file to row objects (only `columns` when given): INT64 become numbers, timestamps epoch ms,
 * dates days since 1970-01-01, booleans booleans.
 */
export async function decodeParquet(
  bytes: Uint8Array,
  columns?: readonly string[],
): Promise<Record<string, unknown>[]> {
  const rows = await parquetReadObjects({
    file: arrayBufferOf(bytes),
    ...(columns ? { columns: [...columns] } : {}),
    parsers: { timestampFromMilliseconds: (ms: bigint) => Number(ms), dateFromDays: (days: number) => days },
  });
  for (const r of rows) for (const k in r) if (typeof r[k] === 'bigint') r[k] = Number(r[k]);
  return rows;
}

/**
 * Decodes a Parquet file column by column (no row objects: the fast path for rewriting files): column name → values
 * in row order, converted as decodeParquet converts them.
 */
export async function decodeParquetColumns(
  bytes: Uint8Array,
): Promise<{ rows: number; columns: Map<string, unknown[]> }> {
  const file = arrayBufferOf(bytes);
  const metadata = parquetMetadata(file);
  const rows = Number(metadata.num_rows);
  const columns = new Map<string, unknown[]>();
  await parquetRead({
    file,
    metadata,
    parsers: { timestampFromMilliseconds: (ms: bigint) => Number(ms), dateFromDays: (days: number) => days },
    onChunk: ({ columnName, columnData, rowStart }) => {
      let out = columns.get(columnName);
      if (!out) columns.set(columnName, (out = new Array<unknown>(rows)));
      for (let i = 0; i < columnData.length; i++) {
        const v = columnData[i];
        out[rowStart + i] = typeof v === 'bigint' ? Number(v) : v;
      }
    },
  });
  return { rows, columns };
}

/** Row count from the footer, without decoding data. */
export function parquetRowCount(bytes: Uint8Array): number {
  return Number(parquetMetadata(arrayBufferOf(bytes)).num_rows);
}

/** The footer's key-value metadata. */
export function parquetKeyValues(bytes: Uint8Array): Record<string, string> {
  const kv = parquetMetadata(arrayBufferOf(bytes)).key_value_metadata ?? [];
  return Object.fromEntries(kv.map((e) => [e.key, e.value ?? '']));
}
