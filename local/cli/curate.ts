/**
 * `npm run curate -- [--from <ISO hour>] [--to <ISO hour>] [--line L1 ...] [--force]`: curate gold for a date-hour
 * range on the local lake (the running `npm start`'s Azurite, or .local/azurite). Default range: from the first hour
 * with minute partials up to the end of the current hour. Prints the summary as JSON. Lines and their KPI design come
 * from the local plant model file (local-plant.ts).
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { parseArgs } from 'node:util';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { parseSettings } from '../../shared/config/settings.js';
import { curationConfigFrom } from '../../shared/gold/config.js';
import { curateRange } from '../../shared/gold/curate.js';
import { listAll, type LakeStore } from '../../shared/lake/lake-store.js';
import { localLakeConnection } from './local-lake.js';
import { localPlant } from './local-plant.js';

const HOUR_MS = 3_600_000;

class CliError extends Error {}

function parseHour(name: string, v: string): number {
  const ms = Date.parse(
    /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v.endsWith('Z') || /[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`,
  );
  if (Number.isNaN(ms))
    throw new CliError(`--${name} "${v}" is not a date or ISO time, e.g. 2026-11-22 or 2026-11-22T10:00Z`);
  return ms;
}

/** First date with partials, for the default range. */
async function firstPartialMs(lake: LakeStore): Promise<number | undefined> {
  const dates = new Set<string>();
  for await (const e of lake.list('gold', 'telemetry_minute/')) {
    const m = /date=(\d{4}-\d{2}-\d{2})\//.exec(e.path);
    if (m) dates.add(m[1]!);
  }
  const first = [...dates].sort()[0];
  return first ? Date.parse(`${first}T00:00:00Z`) : undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      line: { type: 'string', multiple: true },
      force: { type: 'boolean' },
    },
  });
  const { connection, stop } = await localLakeConnection();
  try {
    const s = parseSettings({ ...process.env, LakeConnection: connection });
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(connection));
    const fromMs = values.from ? parseHour('from', values.from) : await firstPartialMs(lake);
    if (fromMs === undefined)
      throw new CliError('no minute partials in gold/telemetry_minute yet: run `npm start -- --duration 300` first');
    const toMs = values.to ? parseHour('to', values.to) : Math.ceil((Date.now() + 1) / HOUR_MS) * HOUR_MS;
    const summary = await curateRange(
      lake,
      { fromMs, toMs, ...(values.line ? { lines: values.line } : {}) },
      curationConfigFrom(s, localPlant(), values.force ?? false),
    );
    const tables = new Set((await listAll(lake, 'gold', '')).map((e) => e.path.split('/')[0]));
    console.log(
      JSON.stringify(
        {
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          ...summary,
          elapsedMs: Math.round(summary.elapsedMs),
          goldTables: [...tables].sort(),
        },
        null,
        2,
      ),
    );
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof CliError ? `curate: ${err.message}` : err);
  process.exit(err instanceof CliError ? 2 : 1);
});
