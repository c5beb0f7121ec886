/**
 * Silver by line and hour: how it is read and how it is compacted.
 *
 * Ingestion writes one file per batch into `telemetry/date=D/line=L/hour=HH/` (`batch-<p>-<first>-<last>.parquet`,
 * named by Event Hub partition and sequence range so a redelivered batch rewrites its own file). The hourly curation
 * folds an hour's batch files into one `compacted.parquet`, whose footer lists the batch ranges it holds, then
 * deletes them. Rewriting that one blob is a single write, so it is the switch from the old set of files to the new:
 * - a reader that follows the footer (every reader here) reads the compacted file and only the batch files it does not
 *   hold; it sees the old set or the new one, never both or neither (a batch file deleted under it means the switch
 *   happened while it read: it starts again);
 * - a crash after the switch leaves batch files the footer already holds: readers skip them and the next compaction
 *   deletes them; a crash before it leaves the old set whole. Either way every row is in silver exactly once;
 * - two compactions of one hour cannot both switch: the write is conditional on the version read.
 * Readers that list files without reading the footer (Spark, Synapse, DuckDB globs) see both sets for the seconds
 * between the switch and the last delete; docs/gold.md says how to read silver with them.
 */
import {
  decodeParquetColumns,
  encodeParquet,
  parquetKeyValues,
  parquetRowCount,
  type LakeColumn,
} from '../lake/parquet.js';
import { listAll, type LakeEntry, type LakeStore } from '../lake/lake-store.js';
import {
  parseSilverBatchName,
  SILVER_COMPACTED_FILE,
  silverHourPrefix,
  silverPath,
  utcDate,
  utcHour,
} from '../lake/paths.js';
import { decodeSilver, encodeSilver, SILVER_COLUMNS } from './telemetry-tables.js';
import type { SilverRow } from './records.js';
import { DomainError } from '../kernel/errors.js';

export const SILVER = 'silver';
/** Footer key of the compacted file: the batch ranges it holds, as a JSON array of `<partition>:<first>-<last>`. */
export const HELD_BATCHES_KEY = 'smelter.silver.batches';
/** Rows per row group of a compacted hour (about 6 MB of data: readers prune by cell and tag within the hour). */
const COMPACTED_ROW_GROUP = 250_000;
/** Times a reader starts an hour again when a compaction switched it while it read. */
const READ_ATTEMPTS = 5;
/** Batch files read at once. */
const READ_CONCURRENCY = 8;

/** Applies `fn` to every item with at most `limit` calls in flight; results keep the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class SilverReadError extends DomainError {
  constructor(field: string, detail: string) {
    super('unavailable', 'ERR-LAKE-SILVER-READ', detail, field);
  }
}

/** One line-hour folder of silver. */
export interface SilverHour {
  date: string;
  lineId: string;
  hour: number;
}

const batchKey = (r: { partition: string; firstSeq: number; lastSeq: number }) =>
  `${r.partition}:${r.firstSeq}-${r.lastSeq}`;
const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The batch ranges a compacted file holds (empty for a file without the footer key). */
export function heldBatches(compacted: Uint8Array): Set<string> {
  const held = parquetKeyValues(compacted)[HELD_BATCHES_KEY];
  return new Set(held ? (JSON.parse(held) as string[]) : []);
}

/** The line-hour folders of silver on a date (optionally of one line), from one listing. */
export async function silverHoursOf(lake: LakeStore, date: string, lineId?: string): Promise<SilverHour[]> {
  const prefix = lineId ? `telemetry/date=${date}/line=${encodeURIComponent(lineId)}/` : `telemetry/date=${date}/`;
  const seen = new Map<string, SilverHour>();
  for (const e of await listAll(lake, SILVER, prefix)) {
    const m = /\/line=([^/]+)\/hour=(\d\d)\//.exec(e.path);
    if (m) seen.set(`${m[1]}/${m[2]}`, { date, lineId: decodeURIComponent(m[1]!), hour: Number(m[2]) });
  }
  return [...seen.values()].sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : a.hour - b.hour));
}

/** The files of one line-hour a reader reads now: the compacted file (if any) and the batch files it does not hold. */
export async function silverHourFiles(lake: LakeStore, h: SilverHour): Promise<LakeEntry[]> {
  const entries = await listAll(lake, SILVER, silverHourPrefix(h.date, h.lineId, h.hour));
  const compacted = entries.find((e) => fileName(e.path) === SILVER_COMPACTED_FILE);
  const held = compacted ? heldBatches((await lake.get(SILVER, compacted.path)) ?? new Uint8Array()) : new Set();
  return entries.filter((e) => {
    const range = parseSilverBatchName(fileName(e.path));
    return e === compacted || (range !== undefined && !held.has(batchKey(range)));
  });
}

/** Every silver row of one line-hour, exactly once, as of one moment (see the module comment). */
export async function readSilverHour(lake: LakeStore, h: SilverHour): Promise<SilverRow[]> {
  const prefix = silverHourPrefix(h.date, h.lineId, h.hour);
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    // The compacted file first, then the listing: if the listing still shows the version read, no compaction has
    // switched since, so none has deleted a batch file yet, and every batch file it does not hold is listed.
    const compacted = await lake.getVersioned(SILVER, prefix + SILVER_COMPACTED_FILE);
    const entries = await listAll(lake, SILVER, prefix);
    const listed = entries.find((e) => fileName(e.path) === SILVER_COMPACTED_FILE);
    if (listed?.version !== compacted?.version) continue;
    const held = compacted ? heldBatches(compacted.body) : new Set<string>();
    const batches = entries.filter((e) => {
      const range = parseSilverBatchName(fileName(e.path));
      return range !== undefined && !held.has(batchKey(range));
    });
    // Many small batch files: read a few at once (each read is a round trip to the store).
    const parts = await mapLimited(batches, READ_CONCURRENCY, (e) => lake.get(SILVER, e.path));
    // A batch file gone means a compaction folded and deleted it while we read: start again.
    if (parts.some((p) => p === undefined)) continue;
    const rows = compacted ? await decodeSilver(compacted.body) : [];
    for (const bytes of parts) for (const r of await decodeSilver(bytes!)) rows.push(r);
    return rows;
  }
  throw new SilverReadError(
    'hour',
    `silver ${prefix} changed under ${READ_ATTEMPTS} reads in a row; read it again once its compaction has finished`,
  );
}

/** Every silver row of a date (optionally of one line), line-hour by line-hour. */
export async function readSilverDate(lake: LakeStore, date: string, lineId?: string): Promise<SilverRow[]> {
  const hours = await mapLimited(await silverHoursOf(lake, date, lineId), 4, (h) => readSilverHour(lake, h));
  return hours.flat();
}

/** What one compaction of a line-hour did. */
export interface SilverCompaction extends SilverHour {
  /** Data files of the hour before and after (compacted file and batch files). */
  filesBefore: number;
  filesAfter: number;
  /** Batch files folded into the compacted file by this run. */
  batchesFolded: number;
  /** Rows of the compacted file after this run. */
  rows: number;
  bytes: number;
  /** True when another compaction switched the hour first: this one changed nothing (the next run retries). */
  conflict: boolean;
}

/** Silver files decoded column by column and put end to end (compaction never needs row objects). */
class SilverColumns {
  rows = 0;
  readonly data = new Map<string, unknown[]>(SILVER_COLUMNS.map((c) => [c.name, []]));

  /** Appends a file's columns (files written before the time columns were renamed included). */
  async append(bytes: Uint8Array): Promise<void> {
    const { rows, columns } = await decodeParquetColumns(bytes);
    for (const c of SILVER_COLUMNS) {
      const from = columns.get(c.name) ?? columns.get(c.field);
      const to = this.data.get(c.name)!;
      for (let i = 0; i < rows; i++) to.push(from ? from[i] : null);
    }
    this.rows += rows;
  }

  /** Row order for readers: by cell, tag and time, so row-group statistics prune by sensor within the hour. */
  sortedOrder(): Uint32Array {
    const cell = this.data.get('cellId') as string[];
    const tag = this.data.get('tag') as string[];
    const ts = this.data.get('eventTimeUtc') as number[];
    const seq = this.data.get('sequenceNumber') as number[];
    // Rank each (cell, tag) once, so the sort compares numbers.
    const keys = new Map<string, number>();
    for (let i = 0; i < this.rows; i++) keys.set(`${cell[i]}\u0000${tag[i]}`, 0);
    [...keys.keys()].sort().forEach((k, r) => keys.set(k, r));
    const rank = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) rank[i] = keys.get(`${cell[i]}\u0000${tag[i]}`)!;
    const order = Uint32Array.from({ length: this.rows }, (_, i) => i);
    return order.sort((a, b) => rank[a]! - rank[b]! || ts[a]! - ts[b]! || seq[a]! - seq[b]!);
  }

  /** The rows in `order` as a compacted Parquet file. */
  encode(order: Uint32Array, metadata: Record<string, string>): Uint8Array {
    return encodeParquet(
      SILVER_COLUMNS.map((c) => {
        const from = this.data.get(c.name)!;
        const data = new Array<unknown>(order.length);
        for (let i = 0; i < order.length; i++) data[i] = from[order[i]!];
        return {
          name: c.name,
          type: c.type,
          nullable: 'nullable' in c,
          statistics: 'statistics' in c,
          data: data as LakeColumn['data'],
        };
      }),
      { rowGroupSize: COMPACTED_ROW_GROUP, metadata },
    );
  }
}

/**
 * Folds a line-hour's batch files into its compacted file, switches readers to it with one conditional write, then
 * deletes the folded files (and any left by an interrupted run). Running it again with nothing new changes nothing.
 */
export async function compactSilverHour(lake: LakeStore, h: SilverHour): Promise<SilverCompaction> {
  const prefix = silverHourPrefix(h.date, h.lineId, h.hour);
  const current = await lake.getVersioned(SILVER, prefix + SILVER_COMPACTED_FILE);
  const held = current ? heldBatches(current.body) : new Set<string>();
  const entries = await listAll(lake, SILVER, prefix);
  const heldFiles: LakeEntry[] = [];
  const newFiles: { entry: LakeEntry; key: string }[] = [];
  for (const e of entries) {
    const range = parseSilverBatchName(fileName(e.path));
    if (!range) continue;
    if (held.has(batchKey(range))) heldFiles.push(e);
    else newFiles.push({ entry: e, key: batchKey(range) });
  }
  const dataFiles = (current ? 1 : 0) + heldFiles.length + newFiles.length;
  const result: SilverCompaction = {
    ...h,
    filesBefore: dataFiles,
    filesAfter: dataFiles,
    batchesFolded: 0,
    rows: 0,
    bytes: current?.body.byteLength ?? 0,
    conflict: false,
  };
  if (newFiles.length) {
    const rows = new SilverColumns();
    if (current) await rows.append(current.body);
    const folded: string[] = [];
    for (const { entry, key } of newFiles) {
      const bytes = await lake.get(SILVER, entry.path);
      if (!bytes) continue; // taken by a compaction running beside this one; its write will make ours conflict
      await rows.append(bytes);
      folded.push(key);
    }
    const body = rows.encode(rows.sortedOrder(), {
      [HELD_BATCHES_KEY]: JSON.stringify([...held, ...folded].sort()),
    });
    const switched = await lake.putIfVersion(SILVER, prefix + SILVER_COMPACTED_FILE, body, current?.version, {
      contentType: 'application/vnd.apache.parquet',
    });
    if (!switched) return { ...result, conflict: true };
    result.batchesFolded = folded.length;
    result.rows = rows.rows;
    result.bytes = body.byteLength;
  } else if (current) result.rows = parquetRowCount(current.body);
  // After the switch the folded files (and files an interrupted run left behind) are held: delete them.
  for (const e of [...heldFiles, ...newFiles.map((f) => f.entry)]) await lake.delete?.(SILVER, e.path);
  result.filesAfter = (await listAll(lake, SILVER, prefix)).filter(
    (e) => fileName(e.path) === SILVER_COMPACTED_FILE || parseSilverBatchName(fileName(e.path)),
  ).length;
  return result;
}

/**
 * Moves silver written before the hour folders (`date=D/line=L/p=P/<first>-<last>.parquet`) into them: each old file
 * becomes one batch file per hour its rows touch, under the same batch range, and is deleted after. A re-run after a
 * crash rewrites the same names, so no row is doubled. Returns how many old files were moved.
 */
export async function migrateLegacySilver(lake: LakeStore): Promise<number> {
  let moved = 0;
  for (const e of await listAll(lake, SILVER, 'telemetry/')) {
    const m = /^telemetry\/date=[^/]+\/line=[^/]+\/p=([^/]+)\/(\d+)-(\d+)\.parquet$/.exec(e.path);
    if (!m) continue;
    const bytes = await lake.get(SILVER, e.path);
    if (!bytes) continue;
    const range = { partition: decodeURIComponent(m[1]!), firstSeq: Number(m[2]), lastSeq: Number(m[3]) };
    const byFile = new Map<string, SilverRow[]>();
    for (const r of await decodeSilver(bytes)) {
      const path = silverPath(range, utcDate(r.tsMs), r.lineId, utcHour(r.tsMs));
      const list = byFile.get(path);
      if (list) list.push(r);
      else byFile.set(path, [r]);
    }
    for (const [path, rows] of byFile)
      await lake.put(SILVER, path, encodeSilver(rows), { contentType: 'application/vnd.apache.parquet' });
    await lake.delete?.(SILVER, e.path);
    moved++;
  }
  return moved;
}
