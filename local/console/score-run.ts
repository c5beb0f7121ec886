import { BlobServiceClient } from '@azure/storage-blob';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { decodeJsonl } from '../../shared/lake/jsonl.js';
import { listAll, type LakeStore } from '../../shared/lake/lake-store.js';
import { utcDate } from '../../shared/lake/paths.js';
import { readSilverDate } from '../../shared/telemetry/silver-hours.js';
import type { QuarantineRecord, SilverRow } from '../../shared/telemetry/records.js';
import type { TagResolver } from '../../shared/telemetry/tag-resolution.js';
import { scoreCleansing, type CleansingScore, type ScoreLabel } from '../score/cleansing-score.js';

const DAY_MS = 86_400_000;

/** The UTC dates from `fromMs` to `toMs`, as the lake's `date=` partitions name them. */
function datesBetween(fromMs: number, toMs: number): string[] {
  const dates: string[] = [];
  for (let t = fromMs - (fromMs % DAY_MS); t <= toMs; t += DAY_MS) dates.push(utcDate(t));
  return dates;
}

/** Which part of the lake belongs to a run: silver by event time, quarantine by enqueued time. */
export interface RunWindow {
  eventsFromMs: number;
  enqueuedFromMs: number;
  untilMs: number;
}

/** Runs `work` over `items` with at most `limit` in flight (reading many small lake files one by one is slow). */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Silver rows and quarantine records of one run, read back from the lake. */
export async function readRunFromLake(
  lake: LakeStore,
  w: RunWindow,
): Promise<{ silver: SilverRow[]; quarantine: QuarantineRecord[] }> {
  const silver: SilverRow[] = [];
  const quarantine: QuarantineRecord[] = [];
  // Through the compaction protocol: a line-hour's compacted file plus the batch files it does not hold yet.
  for (const date of datesBetween(w.eventsFromMs, w.untilMs))
    for (const row of await readSilverDate(lake, date)) if (row.tsMs >= w.eventsFromMs) silver.push(row);
  for (const date of datesBetween(w.enqueuedFromMs, Math.max(w.untilMs, Date.now()))) {
    await forEachLimited(await listAll(lake, 'quarantine', `telemetry/date=${date}/`), 16, async (entry) => {
      const bytes = await lake.get('quarantine', entry.path);
      if (bytes)
        for (const rec of decodeJsonl<QuarantineRecord>(bytes))
          if (rec.enqueuedMs >= w.enqueuedFromMs) quarantine.push(rec);
    });
  }
  return { silver, quarantine };
}

/** Reads the run's output from the lake and scores it against the simulator's labels. */
export async function scoreRun(opts: {
  labels: readonly ScoreLabel[];
  sentKeys: ReadonlySet<string>;
  sinceMs: number;
  lakeConnection: string;
  /** The simulated plant's resolver: its tag maps name what the simulator sent. */
  tags: TagResolver;
}): Promise<CleansingScore & { silverRows: number; quarantineRecords: number }> {
  const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(opts.lakeConnection));
  const { silver, quarantine } = await readRunFromLake(lake, {
    eventsFromMs: opts.sinceMs,
    enqueuedFromMs: opts.sinceMs,
    untilMs: Date.now(),
  });
  return {
    ...scoreCleansing(opts.labels, silver, quarantine, opts.sentKeys, opts.tags),
    silverRows: silver.length,
    quarantineRecords: quarantine.length,
  };
}
