import type { Settings } from '../config/settings.js';
import { splitAgainstIntent, readIngestIntent, writeIngestIntent, type BatchSplit } from '../lake/ingest-intent.js';
import { encodeJsonl, encodeJsonlGz } from '../lake/jsonl.js';
import { inSpan, SPAN_ATTRIBUTES } from '../observability/tracing.js';
import type { LakeStore } from '../lake/lake-store.js';
import {
  bronzePath,
  goldMinutePath,
  goldQualityPath,
  quarantinePath,
  silverPath,
  utcDate,
  utcHour,
  type BatchRange,
} from '../lake/paths.js';
import { encodeBatchQuality, encodeMinuteAggregates, encodeSilver } from './telemetry-tables.js';
import { aggregateMinutes, type MinuteAggregate } from './aggregates.js';
import { Cleanser, DEFAULT_LATE_THRESHOLD_MS, DEFAULT_SPIKE_SIGMAS, type CleansingRejection } from './cleanse.js';
import { countFlags, emptyFlagCounts, emptyReasonCounts, type BatchQuality } from './data-quality.js';
import { isExcludedFromGold, maskOf, NEUTRAL_MASK, type FlagName } from './flags.js';
import { HotStateCache, type HotStateStore } from './hot-state.js';
import { parseBody } from './parse-body.js';
import type { EventOrigin, QuarantineReason, QuarantineRecord, SilverRow } from './records.js';
import type { SensorStateStore, SensorUndo } from './sensor-state.js';
import type { TagResolver } from './tag-resolution.js';

/** One Event Hub event as the trigger hands it over. */
export interface IngestEvent {
  body: Uint8Array;
  partition: string;
  sequenceNumber: number;
  enqueuedTimeUtc: string | Date;
  partitionKey?: string;
}

/** Where ingest writes its log lines (an InvocationContext fits). */
export interface IngestLog {
  info(message: string, ...props: unknown[]): void;
  warn(message: string, ...props: unknown[]): void;
  error(message: string, ...props: unknown[]): void;
}

export type IngestSettings = Pick<
  Settings,
  'TELEMETRY_HUB' | 'TELEMETRY_CONSUMER_GROUP' | 'CLEANSING_WINDOW' | 'INTERPOLATE_MAX_GAP_INTERVALS'
> & {
  /** Minimum time between two writes of one cell's latest values (ms); 0 or absent writes every batch. */
  HOT_STATE_WRITE_INTERVAL_MS?: number;
  /** Event time older than this at enqueue flags `late` (ms); default DEFAULT_LATE_THRESHOLD_MS. */
  lateThresholdMs?: number;
};

export interface IngestDeps {
  lake: LakeStore;
  hotState: HotStateStore;
  /** In memory per process; its window size should equal CLEANSING_WINDOW. */
  sensors: SensorStateStore;
  settings: IngestSettings;
  /**
   * The plant's equipment and tag maps (built from the plant model in force): a point of equipment the plant does not
   * have is quarantined UNKNOWN_EQUIPMENT, a plant tag is cleansed as its canonical tag.
   */
  tags: TagResolver;
  log: IngestLog;
  /** Clock (epoch ms); tests may fix it. */
  now?: () => number;
  /** Points silver already holds from other batches (a parked batch's replay); see CleansingConfig. */
  inSilverAlready?: ReadonlySet<string>;
}

export interface IngestSummary {
  pointsIn: number;
  /** Silver rows written, interpolated fills included. */
  silverRows: number;
  interpolated: number;
  quarantinedByReason: Partial<Record<QuarantineReason, number>>;
  flaggedByFlag: Partial<Record<FlagName, number>>;
  /** Points that reached silver (interpolated fills not counted), by line: what says a line is still sending. */
  silverPointsByLine: Record<string, number>;
  /** Lake files written, as `<container>/<path>`. */
  files: string[];
  /** Per event: silver written time minus enqueued time (ms). */
  enqueueToWrittenMs: number[];
}

const hotCaches = new WeakMap<HotStateStore, HotStateCache>();

/**
 * Cleanses a batch into bronze, silver, quarantine and gold and updates the cells' latest values. Every point ends
 * in silver or quarantine (pointsIn = silver rows − interpolated + quarantined). Files are named from partition and
 * sequence range, and a redelivered batch is split against the partition's intent record so that silver holds every
 * point exactly once. Throws only when storage fails (the host then retries the batch).
 */
export async function ingestBatch(events: readonly IngestEvent[], deps: IngestDeps): Promise<IngestSummary> {
  const summary: IngestSummary = {
    pointsIn: 0,
    silverRows: 0,
    interpolated: 0,
    quarantinedByReason: {},
    flaggedByFlag: {},
    silverPointsByLine: {},
    files: [],
    enqueueToWrittenMs: [],
  };
  const byPartition = new Map<string, IngestEvent[]>();
  for (const e of events) {
    const list = byPartition.get(e.partition);
    if (list) list.push(e);
    else byPartition.set(e.partition, [e]);
  }
  let hot = hotCaches.get(deps.hotState);
  if (!hot)
    hotCaches.set(
      deps.hotState,
      (hot = new HotStateCache(deps.hotState, deps.settings.HOT_STATE_WRITE_INTERVAL_MS ?? 0)),
    );
  const { TELEMETRY_HUB: hub, TELEMETRY_CONSUMER_GROUP: group } = deps.settings;
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    const intent = await readIngestIntent(deps.lake, hub, group, partition);
    for (const split of splitAgainstIntent(list, intent)) {
      if (split.recordIntent)
        await writeIngestIntent(deps.lake, hub, group, partition, { firstSeq: split.firstSeq, lastSeq: split.lastSeq });
      else
        deps.log.warn(
          `ingest: partition ${partition} events ${split.events[0]!.sequenceNumber}-${split.events.at(-1)!.sequenceNumber} are a redelivery; writing them under ${split.firstSeq}-${split.lastSeq}`,
        );
      await ingestSplit(partition, split, deps, hot, summary);
    }
  }
  return summary;
}

async function ingestSplit(
  partition: string,
  split: BatchSplit<IngestEvent>,
  deps: IngestDeps,
  hot: HotStateCache,
  summary: IngestSummary,
): Promise<void> {
  const now = deps.now ?? Date.now;
  const startedMs = now();
  const range: BatchRange = { partition, firstSeq: split.firstSeq, lastSeq: split.lastSeq };
  const { sensors } = deps;
  const previous = sensors.lastBatch.get(partition);
  if (split.replay && previous && previous.firstSeq === split.firstSeq && previous.lastSeq === split.lastSeq)
    sensors.rollback(previous.undo);

  const cleansed = cleanseEvents(split.events, deps);
  sensors.lastBatch.set(partition, { firstSeq: split.firstSeq, lastSeq: split.lastSeq, undo: cleansed.undo });
  const { rows, quarantine, pointsIn } = cleansed;
  const firstEnqueuedMs = cleansed.enqueuedMs[0]!;
  const aggregates = aggregateMinutes(rows);
  const quality = batchQuality(range, firstEnqueuedMs, pointsIn, rows, quarantine);

  const writes: [container: string, path: string, body: Uint8Array, contentType: string][] = [];
  writes.push([
    'bronze',
    bronzePath(range, firstEnqueuedMs),
    encodeJsonlGz(split.events.map(bronzeRecord)),
    'application/x-ndjson',
  ]);
  for (const [hourMs, lineId, group] of byHourAndLine(rows)) {
    group.sort((a, b) => a.tsMs - b.tsMs);
    const path = silverPath(range, utcDate(hourMs), lineId, utcHour(hourMs));
    writes.push(['silver', path, encodeSilver(group), 'application/vnd.apache.parquet']);
  }
  if (quarantine.length)
    writes.push([
      'quarantine',
      quarantinePath(range, utcDate(firstEnqueuedMs)),
      encodeJsonl(quarantine),
      'application/x-ndjson',
    ]);
  for (const [date, lineId, group] of byDateAndLine<MinuteAggregate>(aggregates, (a) => a.minuteStartMs)) {
    writes.push([
      'gold',
      goldMinutePath(range, date, lineId),
      encodeMinuteAggregates(group),
      'application/vnd.apache.parquet',
    ]);
  }
  quality.processingMs = now() - startedMs;
  writes.push([
    'gold',
    goldQualityPath(range, utcDate(firstEnqueuedMs)),
    encodeBatchQuality(quality),
    'application/vnd.apache.parquet',
  ]);

  const metadata = { partition, firstSeq: String(range.firstSeq), lastSeq: String(range.lastSeq) };
  const silverFiles = writes.filter(([c]) => c === 'silver').length;
  await inSpan(
    'ingest write lake',
    {
      attributes: {
        [SPAN_ATTRIBUTES.partition]: partition,
        [SPAN_ATTRIBUTES.firstSeq]: range.firstSeq,
        [SPAN_ATTRIBUTES.lastSeq]: range.lastSeq,
        'smelter.lake.files': writes.length,
        'smelter.lake.silver_files': silverFiles,
        'smelter.ingest.silver_rows': rows.length,
        'smelter.ingest.quarantined': quarantine.length,
      },
    },
    () => Promise.all(writes.map(([c, p, body, contentType]) => deps.lake.put(c, p, body, { contentType, metadata }))),
  );
  const writtenMs = now();
  await inSpan('ingest hot state', {}, () => hot.applyBatch(rows, writtenMs));

  summary.pointsIn += pointsIn;
  summary.silverRows += rows.length;
  summary.interpolated += quality.interpolatedRows;
  for (const [r, n] of Object.entries(quality.quarantinedByReason))
    if (n)
      summary.quarantinedByReason[r as QuarantineReason] =
        (summary.quarantinedByReason[r as QuarantineReason] ?? 0) + n;
  for (const [f, n] of Object.entries(quality.flaggedByFlag))
    if (n) summary.flaggedByFlag[f as FlagName] = (summary.flaggedByFlag[f as FlagName] ?? 0) + n;
  for (const r of rows)
    if (!r.flags.includes('interpolated'))
      summary.silverPointsByLine[r.lineId] = (summary.silverPointsByLine[r.lineId] ?? 0) + 1;
  for (const [c, p] of writes) summary.files.push(`${c}/${p}`);
  for (const e of cleansed.enqueuedMs) summary.enqueueToWrittenMs.push(writtenMs - e);
}

interface Cleansed {
  rows: SilverRow[];
  quarantine: QuarantineRecord[];
  pointsIn: number;
  enqueuedMs: number[];
  undo: SensorUndo;
}

/** Parses and cleanses a batch's events (pure CPU; the state changes are recorded for a possible rollback). */
export function cleanseEvents(
  events: readonly IngestEvent[],
  deps: Pick<IngestDeps, 'sensors' | 'settings' | 'tags' | 'now' | 'inSilverAlready'>,
): Cleansed {
  const { sensors, settings } = deps;
  const cleanser = new Cleanser(sensors, {
    windowSize: sensors.windowSize,
    interpolateMaxGapIntervals: settings.INTERPOLATE_MAX_GAP_INTERVALS,
    lateThresholdMs: settings.lateThresholdMs ?? DEFAULT_LATE_THRESHOLD_MS,
    spikeSigmas: DEFAULT_SPIKE_SIGMAS,
    ...(deps.inSilverAlready ? { inSilverAlready: deps.inSilverAlready } : {}),
  });
  const rows: SilverRow[] = [];
  const quarantine: QuarantineRecord[] = [];
  const dupes: CleansingRejection[] = [];
  const enqueuedMs: number[] = [];
  let pointsIn = 0;
  let undo: SensorUndo;
  sensors.beginBatch();
  try {
    for (const e of events) {
      const origin: EventOrigin = {
        partition: e.partition,
        sequenceNumber: e.sequenceNumber,
        enqueuedMs: toEpochMs(e.enqueuedTimeUtc, deps.now),
      };
      enqueuedMs.push(origin.enqueuedMs);
      const parsed = parseBody(e.body, deps.tags);
      pointsIn += parsed.points.length + parsed.rejections.length;
      for (const r of parsed.rejections) quarantine.push({ ...r, ...origin });
      for (const p of parsed.points) cleanser.cleanse(p, origin, rows, dupes);
    }
    if (cleanser.withdrawn.size > 0) {
      const kept = rows.filter((r) => !cleanser.withdrawn.has(r));
      rows.length = 0;
      for (const r of kept) rows.push(r);
    }
  } finally {
    // The undo log is taken even if cleansing failed, so a retry can start from the state the batch first saw.
    undo = sensors.endBatch();
  }
  for (const d of dupes) {
    const { origin, ...r } = d;
    quarantine.push({ ...r, ...origin });
  }
  return { rows, quarantine, pointsIn, enqueuedMs, undo };
}

function batchQuality(
  range: BatchRange,
  firstEnqueuedMs: number,
  pointsIn: number,
  rows: readonly SilverRow[],
  quarantine: readonly QuarantineRecord[],
): BatchQuality {
  const flaggedByFlag = emptyFlagCounts();
  countFlags(rows, flaggedByFlag);
  const quarantinedByReason = emptyReasonCounts();
  for (const q of quarantine) quarantinedByReason[q.reason]++;
  let goodRows = 0;
  let excludedRows = 0;
  for (const r of rows) {
    const mask = maskOf(r.flags);
    if (isExcludedFromGold(mask)) excludedRows++;
    else if (r.quality === 'good' && (mask & ~NEUTRAL_MASK) === 0) goodRows++;
  }
  return {
    ...range,
    firstEnqueuedMs,
    pointsIn,
    silverRows: rows.length,
    interpolatedRows: flaggedByFlag.interpolated,
    goodRows,
    excludedRows,
    quarantined: quarantine.length,
    flaggedByFlag,
    quarantinedByReason,
    processingMs: 0,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bronze keeps each raw body with its Event Hub coordinates: UTF-8 text when it is text, base64 otherwise. */
function bronzeRecord(e: IngestEvent) {
  let body: string;
  let bodyEncoding: 'utf8' | 'base64';
  try {
    body = utf8.decode(e.body);
    bodyEncoding = 'utf8';
  } catch {
    body = Buffer.from(e.body.buffer, e.body.byteOffset, e.body.byteLength).toString('base64');
    bodyEncoding = 'base64';
  }
  const enqueuedTimeUtc = e.enqueuedTimeUtc instanceof Date ? e.enqueuedTimeUtc.toISOString() : e.enqueuedTimeUtc;
  return {
    partition: e.partition,
    sequenceNumber: e.sequenceNumber,
    enqueuedTimeUtc,
    partitionKey: e.partitionKey ?? null,
    bodyEncoding,
    body,
  };
}

function toEpochMs(t: string | Date, now: (() => number) | undefined): number {
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : (now ?? Date.now)();
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Groups by UTC event date and line, without formatting a date per item. */
/** Silver rows by UTC hour (its start, epoch ms) and line: the folders of silver. */
function byHourAndLine(rows: readonly SilverRow[]): [hourMs: number, lineId: string, rows: SilverRow[]][] {
  const byHour = new Map<number, Map<string, SilverRow[]>>();
  for (const r of rows) {
    const hour = Math.floor(r.tsMs / HOUR_MS) * HOUR_MS;
    let lines = byHour.get(hour);
    if (!lines) byHour.set(hour, (lines = new Map()));
    const list = lines.get(r.lineId);
    if (list) list.push(r);
    else lines.set(r.lineId, [r]);
  }
  const out: [number, string, SilverRow[]][] = [];
  for (const [hour, lines] of byHour) for (const [lineId, list] of lines) out.push([hour, lineId, list]);
  return out;
}

function byDateAndLine<T extends { lineId: string }>(
  items: readonly T[],
  tsMs: (t: T) => number,
): [date: string, lineId: string, items: T[]][] {
  const byDay = new Map<number, Map<string, T[]>>();
  for (const it of items) {
    const day = Math.floor(tsMs(it) / DAY_MS);
    let lines = byDay.get(day);
    if (!lines) byDay.set(day, (lines = new Map()));
    const list = lines.get(it.lineId);
    if (list) list.push(it);
    else lines.set(it.lineId, [it]);
  }
  const out: [string, string, T[]][] = [];
  for (const [day, lines] of byDay) for (const [lineId, list] of lines) out.push([utcDate(day * DAY_MS), lineId, list]);
  return out;
}
