import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DevhostEvents } from '../events.js';
import { PartitionLog, type StoredEvent } from './partition-log.js';
import { partitionForKey } from './partition-key.js';

/** What a producer sends: the shape of `hub.send` and of `POST /_devhost/eventhubs/{hub}/messages`. */
export const EventToSend = z.object({
  body: z.union([z.string(), z.instanceof(Uint8Array)]),
  partitionKey: z.string().min(1).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type EventToSend = z.infer<typeof EventToSend>;

export interface SendReceipt {
  partitionId: string;
  sequenceNumber: number;
}

/** Per-hub counters for a live console. */
export interface HubStats {
  hub: string;
  partitionCount: number;
  enqueued: number;
  /** Per partition: its last sequence number, and the events (and their bytes) it holds in memory. */
  perPartition: { partitionId: string; lastSequenceNumber: number; eventsInMemory: number; bytesInMemory: number }[];
}

const HubMeta = z.object({ partitionCount: z.number().int().min(1).max(1024) });

/** Hub and partition names Event Hubs accepts: letters, digits, `.`, `_`, `-` (learn.microsoft.com, Event Hubs naming rules). */
const HUB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

export class HubError extends Error {
  readonly code = 'ERR-DEVHOST-HUB';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field} ${detail}`);
    this.name = 'HubError';
  }
}

/**
 * A local Event Hub: N partitions, each an append-only log on disk. Keys map to partitions with the service's
 * hash; events without a key go round-robin. Consumers wait on `waitForEvents` instead of polling.
 */
export class LocalEventHub {
  readonly partitions: PartitionLog[];
  readonly #waiters: Set<() => void>[];
  /** Per partition: the next sequence number of each consumer (function × consumer group) reading it. */
  readonly #consumerPositions: Map<string, number>[];
  #roundRobin = 0;
  #enqueued = 0;

  constructor(
    readonly name: string,
    readonly partitionCount: number,
    dir: string,
    private readonly events: DevhostEvents,
  ) {
    mkdirSync(dir, { recursive: true });
    this.partitions = Array.from({ length: partitionCount }, (_, i) => PartitionLog.open(path.join(dir, `${i}.log`)));
    this.#waiters = this.partitions.map(() => new Set());
    this.#consumerPositions = this.partitions.map(() => new Map());
  }

  /** Partition ids as Event Hubs names them: "0" … "N-1". */
  get partitionIds(): string[] {
    return this.partitions.map((_, i) => String(i));
  }

  /** Appends events (validated) and wakes their consumers; the events are on disk when this returns. */
  send(events: EventToSend[]): SendReceipt[] {
    const parsed = z.array(EventToSend).safeParse(events);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HubError(`events.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'is invalid');
    }
    const byPartition = new Map<number, { index: number; event: EventToSend }[]>();
    parsed.data.forEach((event, index) => {
      const p =
        event.partitionKey !== undefined
          ? partitionForKey(event.partitionKey, this.partitionCount)
          : this.#roundRobin++ % this.partitionCount;
      const list = byPartition.get(p) ?? [];
      list.push({ index, event });
      byPartition.set(p, list);
    });
    const receipts: SendReceipt[] = new Array<SendReceipt>(events.length);
    const now = Date.now();
    for (const [p, list] of byPartition) {
      const log = this.partitions[p]!;
      const stored = log.append(
        list.map(({ event }) => ({
          body: typeof event.body === 'string' ? Buffer.from(event.body, 'utf8') : Buffer.from(event.body),
          partitionKey: event.partitionKey,
          properties: event.properties,
        })),
        now,
      );
      stored.forEach(
        (s, i) => (receipts[list[i]!.index] = { partitionId: String(p), sequenceNumber: s.sequenceNumber }),
      );
      this.#enqueued += stored.length;
      this.events.emit('enqueued', {
        hub: this.name,
        partitionId: String(p),
        count: stored.length,
        lastSequenceNumber: stored[stored.length - 1]!.sequenceNumber,
      });
      for (const wake of [...this.#waiters[p]!]) wake();
    }
    return receipts;
  }

  /** Up to `max` events of a partition from `fromSequenceNumber` on. */
  read(partitionId: string, fromSequenceNumber: number, max: number): StoredEvent[] {
    return this.#log(partitionId).read(fromSequenceNumber, max);
  }

  /** The sequence number the next event of the partition will get: where a consumer starting `fromEnd` begins. */
  endOf(partitionId: string): number {
    return this.#log(partitionId).nextSequenceNumber;
  }

  /** The first sequence number of the partition enqueued at or after `enqueuedTimeMs` (the end when there is none). */
  firstEnqueuedAtOrAfter(partitionId: string, enqueuedTimeMs: number): number {
    const log = this.#log(partitionId);
    const page = 1000;
    for (let from = 0; from < log.nextSequenceNumber; from += page) {
      const hit = log.read(from, page).find((e) => e.enqueuedTimeMs >= enqueuedTimeMs);
      if (hit) return hit.sequenceNumber;
    }
    return log.nextSequenceNumber;
  }

  /**
   * Records that `consumer` (one function on one consumer group) will next read `sequenceNumber` of a partition. The
   * log keeps in memory what the slowest consumer still needs, so a second consumer group on the hub (alerting beside
   * ingestion) reads from memory too rather than from disk.
   */
  advance(partitionId: string, consumer: string, sequenceNumber: number): void {
    const log = this.#log(partitionId);
    const positions = this.#consumerPositions[Number(partitionId)]!;
    positions.set(consumer, sequenceNumber);
    log.release(Math.min(...positions.values()));
  }

  /** Resolves once the partition holds an event at or after `fromSequenceNumber`, or when `signal` aborts. */
  waitForEvents(partitionId: string, fromSequenceNumber: number, signal: AbortSignal): Promise<void> {
    const log = this.#log(partitionId);
    if (log.nextSequenceNumber > fromSequenceNumber || signal.aborted) return Promise.resolve();
    const waiters = this.#waiters[Number(partitionId)]!;
    return new Promise((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  stats(): HubStats {
    return {
      hub: this.name,
      partitionCount: this.partitionCount,
      enqueued: this.#enqueued,
      perPartition: this.partitions.map((log, i) => ({
        partitionId: String(i),
        lastSequenceNumber: log.nextSequenceNumber - 1,
        eventsInMemory: log.memoryTail.events,
        bytesInMemory: log.memoryTail.bytes,
      })),
    };
  }

  close(): void {
    this.partitions.forEach((log) => log.close());
  }

  #log(partitionId: string): PartitionLog {
    const log = this.partitions[Number(partitionId)];
    if (!log || !/^\d+$/.test(partitionId))
      throw new HubError(
        'partitionId',
        `"${partitionId}" does not exist in hub ${this.name} (0…${this.partitionCount - 1})`,
      );
    return log;
  }
}

/**
 * The set of local hubs, created on first use under `<dir>/<hub>/`. A hub keeps the partition count it was
 * created with (as in Event Hubs, where it is fixed at creation), even if the devhost is restarted with another.
 */
export class LocalEventHubNamespace {
  readonly #hubs = new Map<string, LocalEventHub>();

  constructor(
    readonly dir: string,
    readonly defaultPartitionCount: number,
    private readonly events: DevhostEvents,
  ) {}

  /** The hub named `name`, created if missing. Names are case-insensitive, as in Event Hubs. */
  hub(name: string): LocalEventHub {
    if (!HUB_NAME.test(name))
      throw new HubError('hub', `"${name}" is not a valid Event Hub name (letters, digits, . _ -)`);
    const key = name.toLowerCase();
    let hub = this.#hubs.get(key);
    if (!hub) {
      const hubDir = path.join(this.dir, key);
      const metaFile = path.join(hubDir, 'hub.json');
      let partitionCount = this.defaultPartitionCount;
      if (existsSync(metaFile)) {
        partitionCount = HubMeta.parse(JSON.parse(readFileSync(metaFile, 'utf8'))).partitionCount;
      } else {
        mkdirSync(hubDir, { recursive: true });
        writeFileSync(metaFile, JSON.stringify({ partitionCount }));
      }
      hub = new LocalEventHub(key, partitionCount, hubDir, this.events);
      this.#hubs.set(key, hub);
    }
    return hub;
  }

  /** Hubs opened so far. */
  list(): LocalEventHub[] {
    return [...this.#hubs.values()];
  }

  close(): void {
    this.#hubs.forEach((h) => h.close());
    this.#hubs.clear();
  }
}
