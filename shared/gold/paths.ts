/**
 * Where curated gold files live: gold/<table>/<Hive partitions>/part-0.parquet with its lineage manifest
 * `_lineage.json` in the same folder (readers that skip `_` files, Spark, DuckDB globs of *.parquet, ignore it).
 * Names are fixed per partition so a re-run overwrites instead of adding files.
 */
export const DATA_FILE = 'part-0.parquet';
export const LINEAGE_FILE = '_lineage.json';

export interface PartitionKey {
  date?: string;
  lineId?: string;
  hour?: number;
}

/** The folder of one partition of a gold table, ending with '/'. */
export function goldPartitionDir(table: string, key: PartitionKey): string {
  let dir = `${table}/`;
  if (key.date !== undefined) dir += `date=${key.date}/`;
  if (key.lineId !== undefined) dir += `line=${encodeURIComponent(key.lineId)}/`;
  if (key.hour !== undefined) dir += `hour=${String(key.hour).padStart(2, '0')}/`;
  return dir;
}

/** The one data file of a partition. */
export function goldDataPath(table: string, key: PartitionKey): string {
  return goldPartitionDir(table, key) + DATA_FILE;
}

/** The lineage manifest of a partition. */
export function goldLineagePath(table: string, key: PartitionKey): string {
  return goldPartitionDir(table, key) + LINEAGE_FILE;
}

/** gold/telemetry_minute/date=D/line=L/: the per-batch minute partials of the ingest path. */
export function minutePartialsPrefix(date: string, lineId: string): string {
  return `telemetry_minute/date=${date}/line=${encodeURIComponent(lineId)}/`;
}
