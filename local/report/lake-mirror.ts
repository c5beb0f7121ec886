/**
 * DuckDB over the lake's Parquet: the files a query needs are mirrored from the lake (Azurite or Azure) into
 * .local/lake-mirror, only when missing or changed in size, and each table becomes a view with Hive partitions as
 * columns. Mirroring keeps DuckDB offline (its Azure extension would be a download) and makes re-queries instant.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LakeEntry, LakeStore } from '../../shared/lake/lake-store.js';
import { listAll } from '../../shared/lake/lake-store.js';
import { parseSilverBatchName, SILVER_COMPACTED_FILE } from '../../shared/lake/paths.js';
import { heldBatches } from '../../shared/telemetry/silver-hours.js';

export const MIRROR_DIR = path.resolve('.local/lake-mirror');

/** A queryable table: view name → lake container and folder. */
export interface LakeView {
  view: string;
  container: string;
  prefix: string;
}

/** The views the lake offers: every top-level gold folder by its name, and silver telemetry as `silver_telemetry`. */
export async function lakeViews(lake: LakeStore): Promise<LakeView[]> {
  const tables = new Set<string>();
  for await (const e of lake.list('gold', '')) {
    const top = e.path.split('/')[0];
    if (top && !top.startsWith('_') && e.path.endsWith('.parquet')) tables.add(top);
  }
  return [
    ...[...tables].sort().map((t) => ({ view: t, container: 'gold', prefix: `${t}/` })),
    { view: 'silver_telemetry', container: 'silver', prefix: 'telemetry/' },
  ];
}

function localFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => f.endsWith('.parquet'));
}

/** Downloads an entry unless the mirror has it at the same size; true when it downloaded. */
async function mirrorFile(lake: LakeStore, container: string, e: LakeEntry): Promise<boolean> {
  const file = path.join(MIRROR_DIR, container, e.path);
  if (existsSync(file) && statSync(file).size === e.size) return false;
  const bytes = await lake.get(container, e.path);
  if (!bytes) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return true;
}

/**
 * Brings a view's Parquet files into the mirror; returns how many were downloaded. For silver, a line-hour's batch
 * files that its compacted file already holds are left out (shared/lake/silver-hours.ts), so no row is read twice.
 */
export async function mirrorView(lake: LakeStore, v: LakeView): Promise<number> {
  const root = path.join(MIRROR_DIR, v.container);
  let entries = (await listAll(lake, v.container, v.prefix)).filter((e) => e.path.endsWith('.parquet'));
  let downloaded = 0;
  if (v.container === 'silver') {
    const held = new Set<string>();
    for (const e of entries.filter((x) => x.path.endsWith(`/${SILVER_COMPACTED_FILE}`))) {
      if (await mirrorFile(lake, v.container, e)) downloaded++;
      const dir = e.path.slice(0, e.path.lastIndexOf('/') + 1);
      for (const b of heldBatches(readFileSync(path.join(root, e.path)))) held.add(dir + b);
    }
    entries = entries.filter((e) => {
      const name = e.path.slice(e.path.lastIndexOf('/') + 1);
      const r = parseSilverBatchName(name);
      return (
        !r || !held.has(`${e.path.slice(0, e.path.length - name.length)}${r.partition}:${r.firstSeq}-${r.lastSeq}`)
      );
    });
  }
  const wanted = new Set(entries.map((e) => path.join(root, e.path)));
  for (const f of localFiles(path.join(root, v.prefix))) if (!wanted.has(f)) rmSync(f);
  for (const e of entries) if (await mirrorFile(lake, v.container, e)) downloaded++;
  return downloaded;
}

/** Opens DuckDB with a view per lake table the SQL mentions (all when `sql` is undefined). */
export async function openLakeDuckDb(
  lake: LakeStore,
  sql?: string,
): Promise<{ connection: DuckDBConnection; views: string[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const views: string[] = [];
  for (const v of await lakeViews(lake)) {
    if (sql !== undefined && !new RegExp(`\\b${v.view}\\b`, 'i').test(sql)) continue;
    await mirrorView(lake, v);
    const dir = path.join(MIRROR_DIR, v.container, v.prefix);
    if (!localFiles(dir).length) continue;
    const glob = path.join(dir, '**', '*.parquet').replaceAll("'", "''");
    await connection.run(
      `CREATE VIEW ${v.view} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`,
    );
    views.push(v.view);
  }
  return { connection, views };
}

/** Runs SQL and returns rows as JSON-safe objects (big integers as numbers, dates as ISO strings). */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
