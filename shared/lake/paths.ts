/**
 * Medallion lake paths (DESIGN §4). File names carry the Event Hub partition and sequence range, so a redelivered
 * batch rewrites the same files instead of adding new ones. Containers are `bronze`, `silver`, `gold`, `quarantine`;
 * paths below are inside their container. Bookkeeping that is not data lives under `_state/` (Hive readers skip `_`).
 */
export const CONTAINERS = ['bronze', 'silver', 'gold', 'quarantine'] as const;
export type Container = (typeof CONTAINERS)[number];

/** The sequence range of a batch on one partition. */
export interface BatchRange {
  partition: string;
  firstSeq: number;
  lastSeq: number;
}

/** UTC calendar date (YYYY-MM-DD) of an epoch-ms instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
/** UTC hour (HH) of an epoch-ms instant. */
export function utcHour(ms: number): string {
  return new Date(ms).toISOString().slice(11, 13);
}

// Partition ids are digits on Event Hubs; anything else is encoded so it cannot escape its folder.
const part = (p: string) => encodeURIComponent(p);
const file = (r: BatchRange, ext: string) => `p=${part(r.partition)}/${r.firstSeq}-${r.lastSeq}.${ext}`;

/** bronze/telemetry/ingest_date=YYYY-MM-DD/hour=HH/p=<partition>/<firstSeq>-<lastSeq>.jsonl.gz (by enqueued time). */
export function bronzePath(r: BatchRange, enqueuedMs: number): string {
  return `telemetry/ingest_date=${utcDate(enqueuedMs)}/hour=${utcHour(enqueuedMs)}/${file(r, 'jsonl.gz')}`;
}
/** silver/telemetry/date=YYYY-MM-DD/line=<lineId>/hour=HH/: one line's silver of one UTC hour (by event time). */
export function silverHourPrefix(eventDate: string, lineId: string, hour: number | string): string {
  return `telemetry/date=${eventDate}/line=${encodeURIComponent(lineId)}/hour=${String(hour).padStart(2, '0')}/`;
}
/**
 * silver/telemetry/date=…/line=…/hour=HH/batch-<partition>-<firstSeq>-<lastSeq>.parquet: the rows of one batch in
 * one line and hour, as ingestion writes them; the hourly compaction folds them into SILVER_COMPACTED_FILE.
 */
export function silverPath(r: BatchRange, eventDate: string, lineId: string, hour: number | string): string {
  return `${silverHourPrefix(eventDate, lineId, hour)}${silverBatchName(r)}`;
}
/** The file name of a batch's silver rows within an hour folder. */
export function silverBatchName(r: BatchRange): string {
  return `batch-${part(r.partition)}-${r.firstSeq}-${r.lastSeq}.parquet`;
}
/** The batch range a silver batch file name carries, or undefined for any other file. */
export function parseSilverBatchName(name: string): BatchRange | undefined {
  const m = /^batch-(.+)-(\d+)-(\d+)\.parquet$/.exec(name);
  return m ? { partition: decodeURIComponent(m[1]!), firstSeq: Number(m[2]), lastSeq: Number(m[3]) } : undefined;
}
/** The one file an hour's silver is compacted into (rewritten in place: a single blob write switches readers). */
export const SILVER_COMPACTED_FILE = 'compacted.parquet';
/** quarantine/telemetry/date=YYYY-MM-DD/p=<partition>/<firstSeq>-<lastSeq>.jsonl (by enqueued date). */
export function quarantinePath(r: BatchRange, enqueuedDate: string): string {
  return `telemetry/date=${enqueuedDate}/${file(r, 'jsonl')}`;
}
/** gold/telemetry_minute/date=YYYY-MM-DD/line=<lineId>/p=<partition>/<firstSeq>-<lastSeq>.parquet (by minute date). */
export function goldMinutePath(r: BatchRange, eventDate: string, lineId: string): string {
  return `telemetry_minute/date=${eventDate}/line=${encodeURIComponent(lineId)}/${file(r, 'parquet')}`;
}
/** gold/data_quality_batch/date=YYYY-MM-DD/p=<partition>/<firstSeq>-<lastSeq>.parquet (by enqueued date). */
export function goldQualityPath(r: BatchRange, enqueuedDate: string): string {
  return `data_quality_batch/date=${enqueuedDate}/${file(r, 'parquet')}`;
}
/** bronze/_state/ingest/<hub>/<consumerGroup>/p=<partition>.json: the intent record of the partition's last batch. */
export function ingestIntentPath(hub: string, consumerGroup: string, partition: string): string {
  return `_state/ingest/${encodeURIComponent(hub)}/${encodeURIComponent(consumerGroup)}/p=${part(partition)}.json`;
}
