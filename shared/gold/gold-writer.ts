/** Writes a gold partition (data file + lineage manifest) only when its content changed, so re-runs leave files untouched. */
import type { LakeStore } from '../lake/lake-store.js';
import {
  encodeManifest,
  parseManifest,
  sameLineage,
  sha256,
  type LineageInput,
  type LineageManifest,
} from './lineage.js';
import { goldDataPath, goldLineagePath, type PartitionKey } from './paths.js';
import type { GoldTable } from './schema.js';
import { encodeGoldTable, sortByKey, type GoldRow } from './table-io.js';

export const GOLD = 'gold';

/** What the writer stamps into every manifest. */
export interface LineageStamp {
  codeVersion: string;
  curatedAt: string;
  parameters: Record<string, number | string>;
}

/** Outcome of one partition write. */
export interface PartitionWrite {
  dataPath: string;
  rows: number;
  dataSha256: string;
  dataWritten: boolean;
  manifestWritten: boolean;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads a partition's manifest, or undefined when there is none. */
export async function readManifest(lake: LakeStore, path: string): Promise<LineageManifest | undefined> {
  const bytes = await lake.get(GOLD, path);
  return bytes ? parseManifest(path, bytes) : undefined;
}

/** Sorts, encodes and writes one partition of a table with its lineage; unchanged bytes are not rewritten. */
export async function writeGoldPartition(
  lake: LakeStore,
  table: GoldTable,
  key: PartitionKey,
  rows: GoldRow[],
  inputs: LineageInput[],
  stamp: LineageStamp,
): Promise<PartitionWrite> {
  const dataPath = goldDataPath(table.name, key);
  const bytes = encodeGoldTable(table, sortByKey(table, rows));
  const existing = await lake.get(GOLD, dataPath);
  const dataWritten = !existing || !equalBytes(existing, bytes);
  if (dataWritten) await lake.put(GOLD, dataPath, bytes, { contentType: 'application/vnd.apache.parquet' });
  const manifestPath = goldLineagePath(table.name, key);
  const manifest: LineageManifest = {
    table: table.name,
    dataPath: `${GOLD}/${dataPath}`,
    dataSha256: sha256(bytes),
    rows: rows.length,
    codeVersion: stamp.codeVersion,
    curatedAt: stamp.curatedAt,
    parameters: stamp.parameters,
    inputs: [...inputs].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : (a.forHour ?? 0) - (b.forHour ?? 0),
    ),
  };
  const previous = await readManifest(lake, manifestPath);
  const manifestWritten = !previous || !sameLineage(previous, manifest);
  if (manifestWritten)
    await lake.put(GOLD, manifestPath, encodeManifest(manifest), { contentType: 'application/json' });
  return { dataPath, rows: rows.length, dataSha256: manifest.dataSha256, dataWritten, manifestWritten };
}
