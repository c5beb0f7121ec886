/**
 * fact_data_quality: the day's per-batch quality rows (gold/data_quality_batch, one tiny file per batch) compacted
 * into one file per enqueued date. Incremental: rows of files whose size and modification time are unchanged are
 * kept from the previous compaction; only new or rewritten batch files are read.
 */
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { decodeParquet } from '../lake/parquet.js';
import { GOLD, readManifest, writeGoldPartition, type LineageStamp, type PartitionWrite } from './gold-writer.js';
import { entryFingerprint, sha256, type LineageInput } from './lineage.js';
import { dateKeyOf } from './minute-facts.js';
import { goldDataPath, goldLineagePath } from './paths.js';
import { FACT_DATA_QUALITY } from './schema.js';
import { decodeGoldTable, type GoldRow } from './table-io.js';

/** One fact row from a decoded data_quality_batch row. */
export function qualityRow(r: Record<string, unknown>, sourcePath: string): GoldRow {
  const flags: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('flag_')) flags[k.slice(5)] = Number(v);
    if (k.startsWith('quarantine_')) reasons[k.slice(11)] = Number(v);
  }
  // `firstEnqueuedMs` is the column's name in files written before the time columns said they were UTC instants.
  const enq = Number(r.firstEnqueuedTimeUtc ?? r.firstEnqueuedMs);
  return {
    dateKey: dateKeyOf(enq),
    hour: new Date(enq).getUTCHours(),
    partition: String(r.partition),
    firstSeq: Number(r.firstSeq),
    lastSeq: Number(r.lastSeq),
    firstEnqueuedMs: enq,
    pointsIn: Number(r.pointsIn),
    silverRows: Number(r.silverRows),
    interpolatedRows: Number(r.interpolatedRows),
    goodRows: Number(r.goodRows),
    excludedRows: Number(r.excludedRows),
    quarantined: Number(r.quarantined),
    processingMs: Number(r.processingMs),
    flagCountsJson: JSON.stringify(flags),
    quarantineCountsJson: JSON.stringify(reasons),
    sourcePath,
  };
}

/** Compacts one enqueued date; undefined when nothing changed (or there is nothing to compact). */
export async function compactDataQuality(
  lake: LakeStore,
  date: string,
  force: boolean,
  stamp: LineageStamp,
): Promise<PartitionWrite | undefined> {
  const files = (await listAll(lake, GOLD, `data_quality_batch/date=${date}/`)).filter((e) =>
    e.path.endsWith('.parquet'),
  );
  const key = { date };
  const manifest = await readManifest(lake, goldLineagePath(FACT_DATA_QUALITY.name, key));
  const before = new Map((manifest?.inputs ?? []).map((i) => [entryFingerprint(i.container, i), i]));
  const now = files.map((e) => entryFingerprint(GOLD, e));
  const same =
    manifest &&
    manifest.codeVersion === stamp.codeVersion &&
    before.size === now.length &&
    now.every((f) => before.has(f));
  if ((same && !force) || (!files.length && !manifest)) return undefined;

  const existing = await lake.get(GOLD, goldDataPath(FACT_DATA_QUALITY.name, key));
  const keptBySource = new Map<string, GoldRow[]>();
  if (existing && !force) {
    for (const r of await decodeGoldTable(existing)) {
      const list = keptBySource.get(r.sourcePath as string) ?? [];
      list.push(r);
      keptBySource.set(r.sourcePath as string, list);
    }
  }
  const rows: GoldRow[] = [];
  const inputs: LineageInput[] = [];
  for (const e of files) {
    const known = before.get(entryFingerprint(GOLD, e));
    const kept = known ? keptBySource.get(`${GOLD}/${e.path}`) : undefined;
    if (known && kept) {
      rows.push(...kept);
      inputs.push(known);
      continue;
    }
    const bytes = (await lake.get(GOLD, e.path))!;
    for (const r of await decodeParquet(bytes)) rows.push(qualityRow(r, `${GOLD}/${e.path}`));
    inputs.push({
      container: GOLD,
      path: e.path,
      size: e.size,
      lastModifiedMs: e.lastModified.getTime(),
      sha256: sha256(bytes),
      role: 'quality_batch',
    });
  }
  return writeGoldPartition(lake, FACT_DATA_QUALITY, key, rows, inputs, stamp);
}
