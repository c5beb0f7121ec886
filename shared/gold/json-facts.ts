/**
 * Facts compacted from small JSON files the app writes as things happen (lab uploads, model-accuracy assessments):
 * one gold partition per date, rebuilt when the set of files behind it changed (their lineage), so a curation run
 * twice leaves every file as it was.
 */
import { listAll, type LakeEntry, type LakeStore } from '../lake/lake-store.js';
import { readManifest, writeGoldPartition, type LineageStamp, type PartitionWrite } from './gold-writer.js';
import { entryFingerprint, sha256, type LineageInput } from './lineage.js';
import { goldLineagePath } from './paths.js';
import type { GoldTable } from './schema.js';
import type { GoldRow } from './table-io.js';

export interface JsonFactSource {
  table: GoldTable;
  container: string;
  role: LineageInput['role'];
  /** The files of one date (listed under `prefix(date)`, kept when `keep` says so). */
  prefix(date: string): string;
  keep(path: string): boolean;
  /** The date's rows from its files' decoded JSON. */
  rows(files: { path: string; json: unknown }[]): GoldRow[];
}

/** Rebuilds the date's partition when its files changed; undefined when nothing changed or there is nothing. */
export async function compactJsonFacts(
  lake: LakeStore,
  source: JsonFactSource,
  date: string,
  force: boolean,
  stamp: LineageStamp,
): Promise<PartitionWrite | undefined> {
  const files: LakeEntry[] = (await listAll(lake, source.container, source.prefix(date))).filter((e) =>
    source.keep(e.path),
  );
  const key = { date };
  const manifest = await readManifest(lake, goldLineagePath(source.table.name, key));
  if (!files.length && !manifest) return undefined;
  const before = new Set((manifest?.inputs ?? []).map((i) => entryFingerprint(i.container, i)));
  const same =
    manifest &&
    manifest.codeVersion === stamp.codeVersion &&
    before.size === files.length &&
    files.every((e) => before.has(entryFingerprint(source.container, e)));
  if (same && !force) return undefined;
  const decoded: { path: string; json: unknown }[] = [];
  const inputs: LineageInput[] = [];
  for (const e of files) {
    const bytes = await lake.get(source.container, e.path);
    if (!bytes) continue;
    decoded.push({ path: e.path, json: JSON.parse(new TextDecoder().decode(bytes)) as unknown });
    inputs.push({
      container: source.container,
      path: e.path,
      size: e.size,
      lastModifiedMs: e.lastModified.getTime(),
      sha256: sha256(bytes),
      role: source.role,
    });
  }
  return writeGoldPartition(lake, source.table, key, source.rows(decoded), inputs, stamp);
}
