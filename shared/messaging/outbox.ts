/**
 * The outbox: how every write that must publish a plant event does it (plant model, PDE model, alert rule, line
 * constraints, override, alert state, approval). The event is written in the same atomic store operation as the
 * change it reports, so the two exist together or not at all (an approval, whose change lives in its Durable run, is
 * queued as soon as the run has it); it is published right after the write and then removed. What a failed publish
 * leaves behind (the topic down, the process killed between the write and the publish) stays queued, and the outbox
 * sweep publishes it later, oldest first, under the same event id, which consumers use to drop a second copy. A
 * write therefore never fails because the topic does, and a stored change never goes without its event.
 *
 * Events wait per partition (the resource they are about). A write answers its partition's pending events, oldest
 * first, its own last, and publishes them together: a change never reaches the topic before an older change of the
 * same resource that an outage held back.
 *
 * A new resource that publishes an event does three things:
 * 1. its store writes the change and queues the events in one atomic operation and answers the partition's pending
 *    events: in Cosmos `CosmosOutbox.write` (shared/azure/cosmos-outbox.ts, one transactional batch in the change's
 *    partition), in memory `MemoryOutbox.queue` in the same synchronous step as the change;
 * 2. its use case calls `publishQueued(publisher, pending)` after the write (it never throws);
 * 3. its Cosmos container is listed in OUTBOX_CONTAINERS (shared/azure/containers.ts), so the sweep reads it.
 */
import type { PlantEvent } from './cloud-event.js';
import type { EventPublisher } from './event-publisher.js';

/** A plant event waiting in a store's outbox. */
export interface QueuedEvent {
  readonly event: PlantEvent;
  /** When the write queued it (ms since epoch, the writer's clock); the sweep publishes oldest first. */
  readonly queuedAtMs: number;
  /** Takes it out of the outbox once the topic has it; taking out one already gone is no error. */
  remove(): Promise<void>;
}

/**
 * The events of a write, built from the version the store is about to write (or, for a delete, the version it
 * removes), so an event can name that version and its ETag before the atomic write happens.
 */
export type EventsFor<T> = (version: T) => readonly PlantEvent[];

/**
 * What a store answers for a write through the outbox: the version stored, and the events pending in its partition
 * after the write, oldest first (the write's own events last, after any an earlier failed publish left there).
 */
export interface Written<T> {
  stored: T;
  pending: readonly QueuedEvent[];
}

/** One store that holds queued events (a Cosmos container, a memory outbox): what the sweep reads. */
export interface OutboxSource {
  /** Names the store in sweep summaries and logs. */
  readonly name: string;
  /** Up to `limit` queued events, oldest first. */
  pending(limit: number): Promise<QueuedEvent[]>;
}

export type PublishOutcome = { published: true } | { published: false; error: unknown };

/** Hears of events left queued because the topic refused them (a log line; the sweep sends them). */
export type QueuedWarning = (message: string) => void;

/**
 * Publishes the events a write left pending (in order, as one batch), then removes them from the outbox. Never
 * throws: the change is stored and its events are safe in the outbox whatever the topic does, so a failure is
 * reported (`warn`) and left to the sweep. A removal that fails after the topic took the events leaves them to be
 * sent again under the same ids.
 */
export async function publishQueued(
  publisher: EventPublisher,
  queued: readonly QueuedEvent[],
  warn?: QueuedWarning,
): Promise<PublishOutcome> {
  if (queued.length === 0) return { published: true };
  try {
    await publisher.publish(queued.map((q) => q.event));
  } catch (error) {
    warn?.(
      `${describe(queued)} stored with the change and queued in the outbox; the topic refused it (${messageOf(error)}), the outbox sweep publishes it`,
    );
    return { published: false, error };
  }
  const removed = await Promise.allSettled(queued.map((q) => q.remove()));
  const failed = removed.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length > 0)
    warn?.(
      `${describe(queued)} published but not all taken out of the outbox (${messageOf(failed[0])}); the sweep sends it again under the same id`,
    );
  return { published: true };
}

export interface OutboxSweepOptions {
  /** Most events read from each source and published in one sweep (the next sweep takes the rest). */
  limit?: number;
  /** Events per publish call. */
  chunk?: number;
}

export interface OutboxSweepSummary {
  /** Events published and taken out of the outbox. */
  published: number;
  /** Events published whose removal failed: the next sweep sends them again under the same ids. */
  notRemoved: number;
  /** True when a source had more than this sweep took. */
  more: boolean;
  /** Why the sweep stopped early: the topic refused a publish (everything from that event on waits, in order). */
  stoppedAt?: { eventId: string; error: string };
  /** Sources that could not be read (each is tried again next sweep). */
  unreadable: { source: string; error: string }[];
}

const DEFAULT_LIMIT = 500;
const DEFAULT_CHUNK = 25;

/**
 * Publishes what the outbox holds, oldest first across every source, and removes each event once published. Stops at
 * the first publish the topic refuses, so no event overtakes an older one (a resource's created before its replaced).
 * A sweep racing a write's own publish may send an event twice; it carries the same id, which consumers drop.
 */
export async function sweepOutbox(
  publisher: EventPublisher,
  sources: readonly OutboxSource[],
  options: OutboxSweepOptions = {},
): Promise<OutboxSweepSummary> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  const read = await Promise.allSettled(sources.map((s) => s.pending(limit)));
  const unreadable: OutboxSweepSummary['unreadable'] = [];
  const all: QueuedEvent[] = [];
  let more = false;
  read.forEach((r, i) => {
    if (r.status === 'rejected') unreadable.push({ source: sources[i]!.name, error: messageOf(r.reason) });
    else {
      all.push(...r.value);
      if (r.value.length >= limit) more = true;
    }
  });
  // Stable: events queued in the same millisecond keep their source's order.
  const due = all.sort((a, b) => a.queuedAtMs - b.queuedAtMs).slice(0, limit);
  if (all.length > limit) more = true;
  const summary: OutboxSweepSummary = { published: 0, notRemoved: 0, more, unreadable };
  for (let i = 0; i < due.length; i += chunk) {
    const batch = due.slice(i, i + chunk);
    try {
      await publisher.publish(batch.map((q) => q.event));
    } catch (e) {
      summary.stoppedAt = { eventId: batch[0]!.event.id, error: messageOf(e) };
      summary.more = true;
      break;
    }
    const removed = await Promise.allSettled(batch.map((q) => q.remove()));
    summary.published += batch.length;
    summary.notRemoved += removed.filter((r) => r.status === 'rejected').length;
  }
  return summary;
}

/**
 * Queued events in process memory, for the memory stores (tests, benchmarks, one-process tools). A store queues in
 * the same synchronous step as its change, which makes the two atomic within the process.
 */
export class MemoryOutbox implements OutboxSource {
  /** Keyed by queue order, which is also the order events are answered and swept in. */
  private readonly entries = new Map<number, { partition: string; event: PlantEvent; queuedAtMs: number }>();
  private next = 0;

  constructor(readonly name = 'memory') {}

  /**
   * Queues the events in `partition` (synchronously: call it in the same step as the change they go with) and
   * answers the partition's pending events, oldest first; none when no event was queued.
   */
  queue(partition: string, events: readonly PlantEvent[]): QueuedEvent[] {
    if (events.length === 0) return [];
    const queuedAtMs = Date.now();
    for (const event of events) this.entries.set(this.next++, { partition, event: structuredClone(event), queuedAtMs });
    return [...this.entries.entries()]
      .filter(([, e]) => e.partition === partition)
      .map(([key, e]) => this.entryOf(key, e.event, e.queuedAtMs));
  }

  async pending(limit: number): Promise<QueuedEvent[]> {
    return [...this.entries.entries()].slice(0, limit).map(([key, e]) => this.entryOf(key, e.event, e.queuedAtMs));
  }

  /** The events waiting, oldest first. */
  get events(): PlantEvent[] {
    return [...this.entries.values()].map((e) => e.event);
  }

  private entryOf(key: number, event: PlantEvent, queuedAtMs: number): QueuedEvent {
    return {
      event,
      queuedAtMs,
      remove: async () => {
        this.entries.delete(key);
      },
    };
  }
}

function describe(queued: readonly QueuedEvent[]): string {
  const names = queued.map((q) => `${q.event.type} ${q.event.id}`);
  return queued.length === 1 ? `event ${names[0]} was` : `events ${names.join(', ')} were`;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
