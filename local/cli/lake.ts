/**
 * `npm run lake -- <command>`: look at what landed in the lake without Azure Storage Explorer.
 *   ls [container[/prefix]]      partitions (folders) with file counts and sizes, or the files under a prefix
 *   cat <container>/<path> [--limit N]   rows of a file (Parquet decoded, JSONL and gzip JSONL), one JSON per line
 *   stats [--date YYYY-MM-DD]    rows and files per layer, files per layer and hour, quarantine by reason, silver flags
 *   query "<SQL>" [--limit N]    DuckDB SQL over gold tables (views named as their folders) and silver_telemetry
 *   migrate-silver               move silver written before the hour folders into them (docs/gold.md, migration)
 *   parked ls | parked replay [<path>]   telemetry batches parked after their retries ran out; replay ingests them
 * Uses LakeConnection when set, else the running `npm start`'s Azurite, else the local data in .local/azurite.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { parseArgs } from 'node:util';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { decodeJsonl, decodeJsonlGz } from '../../shared/lake/jsonl.js';
import { listAll, type LakeEntry, type LakeStore } from '../../shared/lake/lake-store.js';
import { decodeParquet, parquetRowCount } from '../../shared/lake/parquet.js';
import { CONTAINERS, SILVER_COMPACTED_FILE } from '../../shared/lake/paths.js';
import { migrateLegacySilver, silverHourFiles, silverHoursOf } from '../../shared/telemetry/silver-hours.js';
import { lakeViews, openLakeDuckDb, queryRows } from '../report/lake-mirror.js';
import { localLakeConnection } from './local-lake.js';
import { parkedCommand } from './parked.js';

const USAGE =
  'usage: npm run lake -- ls [container[/prefix]] | cat <container>/<path> [--limit N] | stats [--date YYYY-MM-DD] | query "<SQL>" [--limit N] | migrate-silver | parked ls|replay [<path>]';

class CliError extends Error {}

function splitTarget(target: string): { container: string; path: string } {
  const [container, ...rest] = target.replace(/^\/+/, '').split('/');
  if (!container || !(CONTAINERS as readonly string[]).includes(container)) {
    throw new CliError(`"${container ?? ''}" is not a lake container; use one of ${CONTAINERS.join(', ')}`);
  }
  return { container, path: rest.join('/') };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Groups files into their folders (partitions) so a listing stays readable however many batch files there are. */
function folders(entries: LakeEntry[]): Map<string, { files: number; bytes: number }> {
  const out = new Map<string, { files: number; bytes: number }>();
  for (const e of entries) {
    const dir = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '.';
    const f = out.get(dir) ?? { files: 0, bytes: 0 };
    f.files++;
    f.bytes += e.size;
    out.set(dir, f);
  }
  return out;
}

async function ls(lake: LakeStore, target: string | undefined): Promise<void> {
  const targets = target ? [splitTarget(target)] : CONTAINERS.map((c) => ({ container: c, path: '' }));
  for (const { container, path } of targets) {
    const entries = await listAll(lake, container, path);
    if (target && path && entries.length <= 50) {
      for (const e of entries) console.log(`${container}/${e.path}\t${kb(e.size)}\t${e.lastModified.toISOString()}`);
      continue;
    }
    const grouped = folders(entries);
    console.log(`${container}/ — ${entries.length} files`);
    for (const [dir, f] of [...grouped.entries()].sort()) console.log(`  ${dir}/\t${f.files} files\t${kb(f.bytes)}`);
  }
}

async function decodeFile(path: string, bytes: Uint8Array): Promise<unknown[]> {
  if (path.endsWith('.parquet')) return decodeParquet(bytes);
  if (path.endsWith('.jsonl.gz')) return decodeJsonlGz(bytes);
  if (path.endsWith('.jsonl')) return decodeJsonl(bytes);
  if (path.endsWith('.json')) return [JSON.parse(new TextDecoder().decode(bytes))];
  throw new CliError(`cannot decode ${path}: expected .parquet, .jsonl, .jsonl.gz or .json`);
}

async function cat(lake: LakeStore, target: string | undefined, limit: number): Promise<void> {
  if (!target) throw new CliError(`cat needs a file. ${USAGE}`);
  const { container, path } = splitTarget(target);
  const bytes = await lake.get(container, path);
  if (!bytes)
    throw new CliError(
      `no file ${container}/${path}; list the folder with: npm run lake -- ls ${container}/${path.slice(0, path.lastIndexOf('/') + 1)}`,
    );
  const rows = await decodeFile(path, bytes);
  for (const row of rows.slice(0, limit))
    console.log(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
  if (rows.length > limit) console.error(`… ${rows.length - limit} more rows (use --limit)`);
}

/** Files of a layer per UTC hour, from the Hive folders of their paths (`date=`/`ingest_date=` and `hour=`). */
function filesPerHour(entries: readonly LakeEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    const d = /(?:^|\/)(?:ingest_)?date=(\d{4}-\d{2}-\d{2})\//.exec(e.path);
    if (!d) continue;
    const h = /\/hour=(\d\d)\//.exec(e.path);
    const key = `${d[1]}T${h ? h[1] : '--'}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

async function stats(lake: LakeStore, date: string | undefined): Promise<void> {
  const datePart = (prefix: string) => (date ? `${prefix}date=${date}/` : prefix);
  const silverAll = (await listAll(lake, 'silver', datePart('telemetry/'))).filter((e) => e.path.endsWith('.parquet'));
  // Rows and flags as readers see them: per line-hour, the compacted file and the batch files it does not hold.
  const dates = [...new Set(silverAll.map((e) => /date=(\d{4}-\d{2}-\d{2})/.exec(e.path)?.[1]).filter(Boolean))];
  let silverRows = 0;
  const flags = new Map<string, number>();
  const perLineHour = new Map<string, { files: number; compacted: boolean }>();
  for (const d of dates as string[])
    for (const h of await silverHoursOf(lake, d)) {
      const files = await silverHourFiles(lake, h);
      perLineHour.set(`${d}T${String(h.hour).padStart(2, '0')} ${h.lineId}`, {
        files: files.length,
        compacted: files.some((f) => f.path.endsWith(`/${SILVER_COMPACTED_FILE}`)),
      });
      for (const e of files) {
        const bytes = await lake.get('silver', e.path);
        if (!bytes) continue;
        silverRows += parquetRowCount(bytes);
        for (const row of (await decodeParquet(bytes, ['flags'])) as { flags?: string }[])
          for (const f of (row.flags ?? '').split(',').filter(Boolean)) flags.set(f, (flags.get(f) ?? 0) + 1);
      }
    }
  const reasons = new Map<string, number>();
  const quarantine = await listAll(lake, 'quarantine', datePart('telemetry/'));
  for (const e of quarantine) {
    for (const r of decodeJsonl<{ reason: string }>((await lake.get('quarantine', e.path))!))
      reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  }
  const bronze = (await listAll(lake, 'bronze', 'telemetry/')).filter(
    (e) => !date || e.path.includes(`ingest_date=${date}/`),
  );
  const gold = await listAll(lake, 'gold', '');
  const goldData = gold.filter((e) => e.path.endsWith('.parquet') && (!date || e.path.includes(`date=${date}/`)));
  // Files per layer and hour; for silver also the most files any one line holds in the hour (1 once compacted).
  const byLayer = { bronze: filesPerHour(bronze), silver: filesPerHour(silverAll), gold: filesPerHour(goldData) };
  const hours = [...new Set(Object.values(byLayer).flatMap((m) => [...m.keys()]))].sort();
  const filesPerLayerAndHour = hours.map((hour) => {
    const lines = [...perLineHour.entries()].filter(([k]) => k.startsWith(hour + ' ')).map(([, v]) => v);
    return {
      hour,
      bronze: byLayer.bronze.get(hour) ?? 0,
      silver: byLayer.silver.get(hour) ?? 0,
      silverMaxFilesPerLine: Math.max(0, ...lines.map((l) => l.files)),
      silverLinesCompacted: `${lines.filter((l) => l.compacted).length}/${lines.length}`,
      gold: byLayer.gold.get(hour) ?? 0,
    };
  });
  const summary = {
    date: date ?? 'all',
    bronze: { files: bronze.length, bytes: bronze.reduce((a, e) => a + e.size, 0) },
    silver: {
      files: silverAll.length,
      bytes: silverAll.reduce((a, e) => a + e.size, 0),
      rows: silverRows,
      flags: Object.fromEntries([...flags.entries()].sort((a, b) => b[1] - a[1])),
    },
    quarantine: { files: quarantine.length, byReason: Object.fromEntries(reasons) },
    gold: { files: gold.length, tables: [...new Set(gold.map((e) => e.path.split('/')[0]))] },
    filesPerLayerAndHour,
  };
  console.log(JSON.stringify(summary, null, 2));
}

async function query(lake: LakeStore, sql: string | undefined, limit: number): Promise<void> {
  if (!sql) throw new CliError(`query needs SQL, e.g. npm run lake -- query "select * from fact_line_day"`);
  const { connection, views } = await openLakeDuckDb(lake, sql);
  if (!views.length)
    console.error(`no lake table named in the query; tables: ${(await lakeViews(lake)).map((v) => v.view).join(', ')}`);
  const rows = await queryRows(connection, sql);
  for (const row of rows.slice(0, limit)) console.log(JSON.stringify(row));
  if (rows.length > limit) console.error(`… ${rows.length - limit} more rows (use --limit)`);
  connection.closeSync();
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { limit: { type: 'string' }, date: { type: 'string' } },
  });
  const [command, target] = positionals;
  if (command === 'parked') process.exit(await parkedCommand(target, positionals[2]));
  if (!command || !['ls', 'cat', 'stats', 'query', 'migrate-silver'].includes(command)) throw new CliError(USAGE);
  const limit = values.limit ? Number(values.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a whole number ≥ 1');
  if (values.date && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new CliError('--date must look like 2026-11-22');
  const { connection, stop } = await localLakeConnection();
  try {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(connection));
    if (command === 'ls') await ls(lake, target);
    else if (command === 'cat') await cat(lake, target, limit);
    else if (command === 'query') await query(lake, target, values.limit ? limit : 1000);
    else if (command === 'migrate-silver')
      console.log(JSON.stringify({ legacySilverFilesMoved: await migrateLegacySilver(lake) }));
    else await stats(lake, values.date);
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof CliError ? `lake: ${err.message}` : err);
  process.exit(err instanceof CliError ? 2 : 1);
});
