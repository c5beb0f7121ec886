import { z } from 'zod';
import type { LakeStore } from './lake-store.js';
import { ingestIntentPath } from './paths.js';

/** The sequence range a partition's current batch covers, written before any of its data files. */
export const IngestIntent = z.object({ firstSeq: z.number().int(), lastSeq: z.number().int() });
export type IngestIntent = z.infer<typeof IngestIntent>;

/** Where intents live: the bronze container (bookkeeping under `_state/`). */
const INTENT_CONTAINER = 'bronze';

/** Reads a partition's intent record; undefined when none was written (or it is unreadable, which is logged by the caller). */
export async function readIngestIntent(
  lake: LakeStore,
  hub: string,
  consumerGroup: string,
  partition: string,
): Promise<IngestIntent | undefined> {
  const bytes = await lake.get(INTENT_CONTAINER, ingestIntentPath(hub, consumerGroup, partition));
  if (!bytes) return undefined;
  try {
    const parsed = IngestIntent.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a partition's intent record. */
export async function writeIngestIntent(
  lake: LakeStore,
  hub: string,
  consumerGroup: string,
  partition: string,
  intent: IngestIntent,
): Promise<void> {
  const body = new TextEncoder().encode(JSON.stringify(intent));
  await lake.put(INTENT_CONTAINER, ingestIntentPath(hub, consumerGroup, partition), body, {
    contentType: 'application/json',
  });
}

/** A piece of a delivered batch and the file range it is written under. */
export interface BatchSplit<E> {
  events: E[];
  firstSeq: number;
  lastSeq: number;
  /** True for a redelivery of the intent's whole range start: same file names, sensor state rolled back. */
  replay: boolean;
  /** True when this piece is new work: its intent must be recorded before its data files. */
  recordIntent: boolean;
}

/**
 * Splits a partition's batch (sorted by sequence number) against the last intent. Events up to the intent's
 * lastSeq are a redelivery: when they start at the intent's firstSeq they are rewritten under the intent's range
 * (overwriting the same files); the events after it are a new batch. Events older than the intent (a checkpoint
 * store that lost progress) and a redelivery that starts mid-range are written under their own range; dedup in
 * sensor state then keeps silver free of second copies.
 */
export function splitAgainstIntent<E extends { sequenceNumber: number }>(
  events: E[],
  intent: IngestIntent | undefined,
): BatchSplit<E>[] {
  if (events.length === 0) return [];
  const own = (evs: E[], recordIntent: boolean): BatchSplit<E> => ({
    events: evs,
    firstSeq: evs[0]!.sequenceNumber,
    lastSeq: evs.at(-1)!.sequenceNumber,
    replay: false,
    recordIntent,
  });
  if (!intent) return [own(events, true)];
  const older = events.filter((e) => e.sequenceNumber < intent.firstSeq);
  const replay = events.filter((e) => e.sequenceNumber >= intent.firstSeq && e.sequenceNumber <= intent.lastSeq);
  const fresh = events.filter((e) => e.sequenceNumber > intent.lastSeq);
  const out: BatchSplit<E>[] = [];
  if (older.length) out.push(own(older, false));
  if (replay.length) {
    out.push(
      replay[0]!.sequenceNumber === intent.firstSeq
        ? { events: replay, firstSeq: intent.firstSeq, lastSeq: intent.lastSeq, replay: true, recordIntent: false }
        : own(replay, false),
    );
  }
  if (fresh.length) out.push(own(fresh, true));
  return out;
}
