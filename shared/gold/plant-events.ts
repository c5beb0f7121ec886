/**
 * fact_plant_event: the plant events the ledger writer archived (gold/audit/payloads/<plant>/date=D/<entry>.json,
 * one small blob per event) compacted into one Parquet file per UTC date. Incremental like fact_data_quality: rows of
 * payload blobs whose size and modification time are unchanged are kept; only new blobs are read. The entity facts
 * (set-point changes, optimisation runs, alerts) are built from these compacted files, not from the blobs.
 */
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { ledgerPaths } from '../ledger/paths.js';
import { PlantEvent } from '../messaging/cloud-event.js';
import { GOLD, readManifest, writeGoldPartition, type LineageStamp, type PartitionWrite } from './gold-writer.js';
import { entryFingerprint, sha256, type LineageInput } from './lineage.js';
import { dateKeyOf } from './minute-facts.js';
import { goldDataPath, goldLineagePath } from './paths.js';
import { FACT_PLANT_EVENT } from './schema.js';
import { decodeGoldTable, type GoldRow } from './table-io.js';

/** A compacted plant event as the entity facts read it. */
export interface ArchivedEvent {
  eventId: string;
  type: string;
  subject: string;
  timeMs: number;
  data: unknown;
}

/** The fact row of one archived payload, or undefined when the blob is not a plant event (it is then skipped and counted). */
export function plantEventRow(bytes: Uint8Array, sourcePath: string): GoldRow | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  const parsed = PlantEvent.safeParse(json);
  if (!parsed.success) return undefined;
  const e = parsed.data;
  const timeMs = Date.parse(e.time);
  const data = e.data !== null && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
  return {
    eventId: e.id,
    type: e.type,
    source: e.source,
    subject: e.subject,
    dateKey: dateKeyOf(timeMs),
    timeMs,
    lineId: typeof data.lineId === 'string' ? data.lineId : null,
    correlationId: e.correlationid ?? null,
    dataJson: JSON.stringify(e.data ?? null),
    sourcePath,
  };
}

export interface PlantEventCompaction {
  write: PartitionWrite;
  /** Payload blobs that are not plant events (left in place, named in the log by the caller). */
  unreadable: string[];
}

/** Compacts one date's archived payloads; undefined when nothing changed (or there is nothing to compact). */
export async function compactPlantEvents(
  lake: LakeStore,
  plantId: string,
  date: string,
  force: boolean,
  stamp: LineageStamp,
): Promise<PlantEventCompaction | undefined> {
  const files = (await listAll(lake, GOLD, ledgerPaths.payloadsOfDay(plantId, date))).filter((e) =>
    e.path.endsWith('.json'),
  );
  const key = { date };
  const manifest = await readManifest(lake, goldLineagePath(FACT_PLANT_EVENT.name, key));
  const before = new Map((manifest?.inputs ?? []).map((i) => [entryFingerprint(i.container, i), i]));
  const now = files.map((e) => entryFingerprint(GOLD, e));
  const same =
    manifest &&
    manifest.codeVersion === stamp.codeVersion &&
    before.size === now.length &&
    now.every((f) => before.has(f));
  if ((same && !force) || (!files.length && !manifest)) return undefined;

  const existing = await lake.get(GOLD, goldDataPath(FACT_PLANT_EVENT.name, key));
  const kept = new Map<string, GoldRow>();
  if (existing && !force) for (const r of await decodeGoldTable(existing)) kept.set(r.sourcePath as string, r);
  const rows: GoldRow[] = [];
  const inputs: LineageInput[] = [];
  const unreadable: string[] = [];
  for (const e of files) {
    const known = before.get(entryFingerprint(GOLD, e));
    const keptRow = known ? kept.get(`${GOLD}/${e.path}`) : undefined;
    if (known && keptRow) {
      rows.push(keptRow);
      inputs.push(known);
      continue;
    }
    const bytes = await lake.get(GOLD, e.path);
    if (!bytes) continue; // deleted between listing and reading: the next run sees the listing without it
    const row = plantEventRow(bytes, `${GOLD}/${e.path}`);
    if (row) rows.push(row);
    else unreadable.push(`${GOLD}/${e.path}`);
    inputs.push({
      container: GOLD,
      path: e.path,
      size: e.size,
      lastModifiedMs: e.lastModified.getTime(),
      sha256: sha256(bytes),
      role: 'event_payload',
    });
  }
  return { write: await writeGoldPartition(lake, FACT_PLANT_EVENT, key, rows, inputs, stamp), unreadable };
}

/** The compacted events of one date (empty when the date has none). */
export async function readPlantEvents(lake: LakeStore, date: string): Promise<ArchivedEvent[]> {
  const bytes = await lake.get(GOLD, goldDataPath(FACT_PLANT_EVENT.name, { date }));
  if (!bytes) return [];
  return (await decodeGoldTable(bytes)).map((r) => ({
    eventId: r.eventId as string,
    type: r.type as string,
    subject: r.subject as string,
    timeMs: Number(r.timeMs),
    data: JSON.parse(r.dataJson as string) as unknown,
  }));
}
