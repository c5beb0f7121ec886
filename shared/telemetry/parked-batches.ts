/**
 * Batches ingestion could not process within the trigger's retries are parked, not lost (DESIGN §5): on the last
 * attempt, the batch's raw events with their partition, sequence range and the last error are written to the parked
 * container of the host's storage account (another account than the lake, which is usually what refused), and only
 * then does the function return, so the host's checkpoint moves past a batch that is safe. `npm run lake -- parked
 * replay` later ingests each parked batch under its own sequence range — the file names ingestion derives from the
 * range make a replay rewrite, never add — and marks it replayed.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { silverPointKey } from './cleanse.js';
import type { IngestEvent, IngestLog, IngestSummary } from './ingest.js';
import { parseBody } from './parse-body.js';
import { readSilverHour, type SilverHour } from './silver-hours.js';

/** The container of parked batches in the host's storage account (Bicep creates it; locally it is made on first use). */
export const PARKED_CONTAINER = 'ingest-parked';

const ParkedEvent = z.object({
  sequenceNumber: z.number().int(),
  enqueuedTimeUtc: z.string(),
  partitionKey: z.string().nullable(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  body: z.string(),
});

/** A parked batch as stored: everything a replay needs, and what an operator reads first. */
export const ParkedBatch = z.object({
  hub: z.string(),
  consumerGroup: z.string(),
  partition: z.string(),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  /** Attempts the trigger made before parking (the first plus its retries). */
  attempts: z.number().int().min(1),
  lastError: z.string(),
  parkedAt: z.iso.datetime(),
  events: z.array(ParkedEvent).min(1),
});
export type ParkedBatch = z.infer<typeof ParkedBatch>;

/** The marker a replay leaves beside a parked batch. */
const ReplayMarker = z.object({
  replayedAt: z.iso.datetime(),
  pointsIn: z.number().int(),
  silverRows: z.number().int(),
});

/** Where a batch is parked: one blob per partition and sequence range, so parking the same batch twice rewrites it. */
export function parkedPath(hub: string, consumerGroup: string, partition: string, firstSeq: number, lastSeq: number) {
  return `telemetry/${hub}/${consumerGroup}/p=${partition}/${firstSeq}-${lastSeq}.json.gz`;
}
const markerPath = (path: string) => path.replace(/\.json\.gz$/, '.replayed.json');

export class ParkFailedError extends DomainError {
  constructor(partition: string, firstSeq: number, lastSeq: number, cause: string) {
    super(
      'unavailable',
      'ERR-INGEST-PARK-FAILED',
      `Telemetry batch ${partition}/${firstSeq}-${lastSeq} could be neither ingested nor parked (${cause}). The host ` +
        `checkpoints past it: replay that sequence range from the Event Hub before its retention ends.`,
      'partition',
    );
  }
}

/** What the trigger says about its retries (InvocationContext.retryContext). */
export interface RetryState {
  retryCount: number;
  /** -1 retries forever. */
  maxRetryCount: number;
}

/** True when the host will not retry this attempt again: no retry policy, or its last retry. */
export function isLastAttempt(retry: RetryState | undefined | null): boolean {
  if (!retry) return true;
  return retry.maxRetryCount !== -1 && retry.retryCount >= retry.maxRetryCount;
}

export type IngestOrParkOutcome =
  { kind: 'ingested'; summary: IngestSummary } | { kind: 'parked'; path: string; error: string };

export interface IngestOrParkDeps {
  /** Builds the ingest dependencies and ingests (a lake that refuses can fail either step). */
  ingest: () => Promise<IngestSummary>;
  /** The parked container's store. */
  parked: () => Promise<LakeStore>;
  hub: string;
  consumerGroup: string;
  retry: RetryState | undefined | null;
  log: IngestLog;
  now?: () => number;
  /** Waits between park attempts (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

/** Park attempts on the last try, and the waits before the 2nd and 3rd (ms). */
const PARK_WAITS_MS = [0, 1_000, 4_000];

/**
 * Ingests a batch; when that fails on the trigger's last attempt, parks it instead and resolves (the host then
 * checkpoints). Earlier attempts rethrow, so the host retries by its policy. Parking is tried three times; if it
 * still fails, a ParkFailedError says which range the host is about to skip and where it still is.
 */
export async function ingestOrPark(
  events: readonly IngestEvent[],
  deps: IngestOrParkDeps,
): Promise<IngestOrParkOutcome> {
  try {
    return { kind: 'ingested', summary: await deps.ingest() };
  } catch (err) {
    if (!isLastAttempt(deps.retry) || events.length === 0) throw err;
    const error = describeError(err);
    const sorted = [...events].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    const partition = sorted[0]!.partition;
    const firstSeq = sorted[0]!.sequenceNumber;
    const lastSeq = sorted.at(-1)!.sequenceNumber;
    const batch: ParkedBatch = {
      hub: deps.hub,
      consumerGroup: deps.consumerGroup,
      partition,
      firstSeq,
      lastSeq,
      attempts: (deps.retry?.retryCount ?? 0) + 1,
      lastError: error.slice(0, 2000),
      parkedAt: new Date((deps.now ?? Date.now)()).toISOString(),
      events: sorted.map(parkedEvent),
    };
    const path = parkedPath(deps.hub, deps.consumerGroup, partition, firstSeq, lastSeq);
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let parkError = '';
    for (const waitMs of PARK_WAITS_MS) {
      if (waitMs) await sleep(waitMs);
      try {
        const store = await deps.parked();
        await store.put(PARKED_CONTAINER, path, gzipSync(JSON.stringify(batch)), {
          contentType: 'application/json',
          metadata: { partition, firstSeq: String(firstSeq), lastSeq: String(lastSeq) },
        });
        deps.log.error(
          `ingest: partition ${partition} events ${firstSeq}-${lastSeq} failed on the last of ${batch.attempts} attempts and were parked at ${PARKED_CONTAINER}/${path} (npm run lake -- parked replay): ${error}`,
        );
        return { kind: 'parked', path, error };
      } catch (e) {
        parkError = describeError(e);
      }
    }
    throw new ParkFailedError(partition, firstSeq, lastSeq, `ingest: ${error}; park: ${parkError}`);
  }
}

/**
 * An error in words an operator can act on, whatever threw it: storage SDK errors often carry an empty message and
 * put what matters in their code and HTTP status.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: unknown; statusCode?: unknown; details?: { errorCode?: unknown } };
  const codeOf = typeof e.code === 'string' && e.code ? e.code : e.details?.errorCode;
  const code = typeof codeOf === 'string' && codeOf ? ` ${codeOf}` : '';
  const status = typeof e.statusCode === 'number' ? ` (HTTP ${e.statusCode})` : '';
  const message = e.message.split('\n')[0]!.trim();
  return `${e.name}${code}${status}${message ? `: ${message}` : ''}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parkedEvent(e: IngestEvent): z.infer<typeof ParkedEvent> {
  let body: string;
  let bodyEncoding: 'utf8' | 'base64';
  try {
    body = utf8.decode(e.body);
    bodyEncoding = 'utf8';
  } catch {
    body = Buffer.from(e.body.buffer, e.body.byteOffset, e.body.byteLength).toString('base64');
    bodyEncoding = 'base64';
  }
  return {
    sequenceNumber: e.sequenceNumber,
    enqueuedTimeUtc: e.enqueuedTimeUtc instanceof Date ? e.enqueuedTimeUtc.toISOString() : e.enqueuedTimeUtc,
    partitionKey: e.partitionKey ?? null,
    bodyEncoding,
    body,
  };
}

/** The events of a parked batch as ingestion takes them, with their original partition and sequence numbers. */
export function eventsOfParked(batch: ParkedBatch): IngestEvent[] {
  return batch.events.map((e) => ({
    body: e.bodyEncoding === 'utf8' ? new TextEncoder().encode(e.body) : new Uint8Array(Buffer.from(e.body, 'base64')),
    partition: batch.partition,
    sequenceNumber: e.sequenceNumber,
    enqueuedTimeUtc: e.enqueuedTimeUtc,
    ...(e.partitionKey !== null ? { partitionKey: e.partitionKey } : {}),
  }));
}

export class ParkedBatchError extends DomainError {
  constructor(path: string, detail: string) {
    super('invalid-input', 'ERR-INGEST-PARKED-UNREADABLE', `Parked batch ${path} ${detail}`, 'path');
  }
}

/** A parked batch as `parked ls` lists it. */
export interface ParkedEntry {
  path: string;
  partition: string;
  firstSeq: number;
  lastSeq: number;
  events: number;
  attempts: number;
  lastError: string;
  parkedAt: string;
  /** When a replay ingested it; absent while it waits. */
  replayedAt?: string;
}

/** Reads one parked batch. */
export async function readParked(store: LakeStore, path: string): Promise<ParkedBatch> {
  const bytes = await store.get(PARKED_CONTAINER, path);
  if (!bytes) throw new ParkedBatchError(path, 'does not exist; list them with: npm run lake -- parked ls');
  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (e) {
    throw new ParkedBatchError(path, `is not gzip JSON: ${(e as Error).message}`);
  }
  const parsed = ParkedBatch.safeParse(json);
  if (!parsed.success)
    throw new ParkedBatchError(path, `${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Every parked batch, oldest range first per partition, with whether a replay has taken it. */
export async function listParked(store: LakeStore): Promise<ParkedEntry[]> {
  const all = await listAll(store, PARKED_CONTAINER, 'telemetry/');
  const markers = new Map<string, string>();
  for (const e of all.filter((e) => e.path.endsWith('.replayed.json'))) {
    const bytes = await store.get(PARKED_CONTAINER, e.path);
    const marker = bytes ? ReplayMarker.safeParse(JSON.parse(new TextDecoder().decode(bytes))) : undefined;
    if (marker?.success) markers.set(e.path, marker.data.replayedAt);
  }
  const out: ParkedEntry[] = [];
  for (const e of all.filter((e) => e.path.endsWith('.json.gz'))) {
    const b = await readParked(store, e.path);
    const replayedAt = markers.get(markerPath(e.path));
    out.push({
      path: e.path,
      partition: b.partition,
      firstSeq: b.firstSeq,
      lastSeq: b.lastSeq,
      events: b.events.length,
      attempts: b.attempts,
      lastError: b.lastError,
      parkedAt: b.parkedAt,
      ...(replayedAt ? { replayedAt } : {}),
    });
  }
  return out.sort((a, b) => a.partition.localeCompare(b.partition) || a.firstSeq - b.firstSeq);
}

/** Parked batches no replay has taken yet (from the listing alone: cheap enough for a gauge every minute). */
export async function countWaiting(store: LakeStore): Promise<number> {
  const paths = new Set((await listAll(store, PARKED_CONTAINER, 'telemetry/')).map((e) => e.path));
  let waiting = 0;
  for (const p of paths) if (p.endsWith('.json.gz') && !paths.has(markerPath(p))) waiting++;
  return waiting;
}

export interface ReplayResult {
  path: string;
  pointsIn: number;
  silverRows: number;
  quarantined: number;
}

/**
 * The points of `events` that silver already holds (keys from silverPointKey): copies that later batches brought
 * while these events were parked, which the replay must not write a second time. Interpolated fills are not points
 * anyone sent, so they never count.
 */
export async function pointsAlreadyInSilver(lake: LakeStore, events: readonly IngestEvent[]): Promise<Set<string>> {
  const keys = new Set<string>();
  const hours = new Map<string, SilverHour>();
  for (const e of events)
    for (const p of parseBody(e.body).points) {
      keys.add(silverPointKey(p.cellId, p.spec.tag, p.tsMs));
      const hourMs = p.tsMs - (p.tsMs % 3_600_000);
      const h = { date: utcDate(hourMs), lineId: p.lineId, hour: new Date(hourMs).getUTCHours() };
      hours.set(`${h.date}/${h.lineId}/${h.hour}`, h);
    }
  const found = new Set<string>();
  for (const h of hours.values())
    for (const r of await readSilverHour(lake, h)) {
      if (r.flags.includes('interpolated')) continue;
      const key = silverPointKey(r.cellId, r.tag, r.tsMs);
      if (keys.has(key)) found.add(key);
    }
  return found;
}

/**
 * Ingests every waiting parked batch (or the one at `only`) and marks each replayed. `ingest` is ingestion with the
 * app's dependencies, told which of the batch's points silver already holds (`lake` is read for them); a batch is
 * marked only after it was ingested, so a replay cut short is simply run again (the same files are rewritten).
 * Replayed batches are skipped.
 */
export async function replayParked(
  store: LakeStore,
  lake: LakeStore,
  ingest: (events: IngestEvent[], inSilverAlready: ReadonlySet<string>) => Promise<IngestSummary>,
  opts: { only?: string; now?: () => number } = {},
): Promise<ReplayResult[]> {
  const waiting = (await listParked(store)).filter((e) => !e.replayedAt && (!opts.only || e.path === opts.only));
  if (opts.only && waiting.length === 0) {
    const known = (await listParked(store)).find((e) => e.path === opts.only);
    if (!known) throw new ParkedBatchError(opts.only, 'does not exist; list them with: npm run lake -- parked ls');
    return [];
  }
  const out: ReplayResult[] = [];
  for (const entry of waiting) {
    const events = eventsOfParked(await readParked(store, entry.path));
    const summary = await ingest(events, await pointsAlreadyInSilver(lake, events));
    const quarantined = Object.values(summary.quarantinedByReason).reduce<number>((a, n) => a + (n ?? 0), 0);
    const marker = {
      replayedAt: new Date((opts.now ?? Date.now)()).toISOString(),
      pointsIn: summary.pointsIn,
      silverRows: summary.silverRows,
    };
    await store.put(PARKED_CONTAINER, markerPath(entry.path), new TextEncoder().encode(JSON.stringify(marker)), {
      contentType: 'application/json',
    });
    out.push({ path: entry.path, pointsIn: summary.pointsIn, silverRows: summary.silverRows, quarantined });
  }
  return out;
}
