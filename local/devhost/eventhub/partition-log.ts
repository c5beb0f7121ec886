import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { DiskFullError, isDiskFull } from '../disk-full.js';

/** An event as the hub stores and delivers it. `offset` is the byte position of the event in the partition log. */
export interface StoredEvent {
  sequenceNumber: number;
  offset: string;
  enqueuedTimeMs: number;
  partitionKey?: string;
  properties: Record<string, unknown>;
  body: Buffer;
}

export interface EventToAppend {
  body: Buffer;
  partitionKey?: string;
  properties?: Record<string, unknown>;
}

/** One line of the log file (short keys: the log is written on every send). */
const LogLine = z.object({
  s: z.number().int().min(0),
  t: z.number(),
  k: z.string().optional(),
  p: z.record(z.string(), z.unknown()),
  b: z.string(),
});

/** Events kept in memory beyond the oldest one a consumer still needs; older ones are re-read from disk. */
const MEMORY_TAIL_EVENTS = 50_000;
/**
 * And at most this many bytes of events in memory per partition (bodies plus a per-event allowance), whatever the
 * consumers still need: a backlog is read back from disk instead of growing the host (at 150,000 points/min the
 * 50,000-event tail alone took the four partitions past 300 MB).
 */
const MEMORY_TAIL_BYTES = 32 * 2 ** 20;
/** What a stored event costs beside its body (object, offset string, properties), roughly. */
const EVENT_OVERHEAD_BYTES = 200;
/**
 * The log remembers the byte position of every INDEX_STRIDE-th event, not of each: a position per event grew the
 * devhost by 8 bytes for every event it was ever sent (72 MB an hour at 150,000 points/min). A read from disk starts
 * at the nearest indexed event before it and skips at most INDEX_STRIDE − 1 lines.
 */
const INDEX_STRIDE = 1024;

export class PartitionLogError extends Error {
  readonly code = 'ERR-DEVHOST-EVENTLOG';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`Event log ${file} ${detail}. Delete the file to start the partition empty (its events are lost).`);
    this.name = 'PartitionLogError';
  }
}

/**
 * An append-only, crash-tolerant log of one partition: JSON lines written synchronously on every append, so a
 * killed process keeps every event `append` returned for. A torn last line (kill mid-write) is cut on open.
 */
export class PartitionLog {
  readonly #fd: number;
  /** Byte position of event k × INDEX_STRIDE at index k (grown by doubling). */
  #index = new Float64Array(64);
  /** Events in the log, and the byte length of the file. */
  #count = 0;
  #end = 0;
  /** Events from `#memoryBase` on, in sequence order, and what they cost. */
  #memory: StoredEvent[] = [];
  #memoryBase = 0;
  #memoryBytes = 0;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.#fd = fd;
  }

  /** Opens (or creates) the log file and loads its events. */
  static open(file: string): PartitionLog {
    const existed = existsSync(file);
    const fd = openSync(file, existed ? 'r+' : 'w+');
    const log = new PartitionLog(file, fd);
    if (existed) log.#load();
    return log;
  }

  /** Sequence number the next appended event gets (= number of events in the partition). */
  get nextSequenceNumber(): number {
    return this.#count;
  }

  /** Events held in memory and what they are reckoned to cost (the rest is read back from disk). */
  get memoryTail(): { events: number; bytes: number } {
    return { events: this.#memory.length, bytes: this.#memoryBytes };
  }

  /** Appends events durably (to the OS) and returns them as stored, in order. */
  append(events: EventToAppend[], enqueuedTimeMs: number): StoredEvent[] {
    const stored: StoredEvent[] = [];
    const lines: string[] = [];
    let position = this.#end;
    for (const e of events) {
      const sequenceNumber = this.#count + stored.length;
      const line = `${JSON.stringify({ s: sequenceNumber, t: enqueuedTimeMs, k: e.partitionKey, p: e.properties ?? {}, b: e.body.toString('base64') })}\n`;
      stored.push({
        sequenceNumber,
        offset: String(position),
        enqueuedTimeMs,
        partitionKey: e.partitionKey,
        properties: e.properties ?? {},
        body: e.body,
      });
      lines.push(line);
      position += Buffer.byteLength(line);
    }
    const bytes = Buffer.from(lines.join(''));
    this.#writeAt(bytes, this.#end);
    for (const e of stored) this.#noteEvent(e.sequenceNumber, Number(e.offset));
    this.#end = position;
    this.#memory.push(...stored);
    for (const e of stored) this.#memoryBytes += e.body.length + EVENT_OVERHEAD_BYTES;
    this.#trimToBudget();
    return stored;
  }

  /**
   * Writes `bytes` at `end` whole, or not at all: after a short write or a failure (a full disk) the file is cut back
   * to `end`, so no part of an event that was refused is ever read back, and the next append starts clean there.
   */
  #writeAt(bytes: Buffer, end: number): void {
    try {
      for (let done = 0; done < bytes.length;)
        done += writeSync(this.#fd, bytes, done, bytes.length - done, end + done);
    } catch (err) {
      try {
        ftruncateSync(this.#fd, end);
      } catch {
        // Cutting back needs no space; if even that fails the torn tail is cut when the log is next opened.
      }
      if (isDiskFull(err)) throw new DiskFullError(this.file, err);
      throw err;
    }
  }

  /** Drops the oldest events from memory (not from disk) while the tail is over its byte budget. */
  #trimToBudget(): void {
    if (this.#memoryBytes <= MEMORY_TAIL_BYTES) return;
    let drop = 0;
    while (drop < this.#memory.length && this.#memoryBytes > MEMORY_TAIL_BYTES)
      this.#memoryBytes -= this.#memory[drop++]!.body.length + EVENT_OVERHEAD_BYTES;
    this.#memory = this.#memory.slice(drop);
    this.#memoryBase += drop;
  }

  /** Counts an event at `position` and indexes it when it starts a stride. */
  #noteEvent(sequenceNumber: number, position: number): void {
    if (sequenceNumber % INDEX_STRIDE === 0) {
      const slot = sequenceNumber / INDEX_STRIDE;
      if (slot >= this.#index.length) {
        const grown = new Float64Array(this.#index.length * 2);
        grown.set(this.#index);
        this.#index = grown;
      }
      this.#index[slot] = position;
    }
    this.#count = sequenceNumber + 1;
  }

  /** Up to `max` events starting at `fromSequenceNumber` (fewer, or none, at the end of the log). */
  read(fromSequenceNumber: number, max: number): StoredEvent[] {
    const end = Math.min(this.nextSequenceNumber, fromSequenceNumber + max);
    if (fromSequenceNumber >= end) return [];
    if (fromSequenceNumber >= this.#memoryBase) {
      return this.#memory.slice(fromSequenceNumber - this.#memoryBase, end - this.#memoryBase);
    }
    return this.#readFromDisk(fromSequenceNumber, Math.min(end, this.#memoryBase)).concat(
      end > this.#memoryBase ? this.#memory.slice(0, end - this.#memoryBase) : [],
    );
  }

  /** Lets the log drop from memory events before `sequenceNumber` (all consumers are past them); they stay on disk. */
  release(sequenceNumber: number): void {
    const keepFrom = Math.max(this.#memoryBase, Math.min(sequenceNumber, this.nextSequenceNumber) - MEMORY_TAIL_EVENTS);
    if (keepFrom > this.#memoryBase) {
      for (let i = 0; i < keepFrom - this.#memoryBase; i++)
        this.#memoryBytes -= this.#memory[i]!.body.length + EVENT_OVERHEAD_BYTES;
      this.#memory = this.#memory.slice(keepFrom - this.#memoryBase);
      this.#memoryBase = keepFrom;
    }
  }

  close(): void {
    closeSync(this.#fd);
  }

  #load(): void {
    const content = readFileSync(this.file);
    let start = 0;
    let lineNo = 0;
    while (start < content.length) {
      const nl = content.indexOf(0x0a, start);
      if (nl < 0) break;
      lineNo++;
      const e = this.#parseLine(content.subarray(start, nl), start, lineNo);
      if (e.sequenceNumber !== this.nextSequenceNumber)
        throw new PartitionLogError(
          this.file,
          `line ${lineNo} has sequence number ${e.sequenceNumber}, expected ${this.nextSequenceNumber}`,
        );
      this.#noteEvent(e.sequenceNumber, start);
      this.#memory.push(e);
      this.#memoryBytes += e.body.length + EVENT_OVERHEAD_BYTES;
      start = nl + 1;
      this.#end = start;
      // Keep only the tail while loading, so opening a long log does not hold all of it at once.
      if (this.#memory.length > 2 * MEMORY_TAIL_EVENTS) this.release(this.nextSequenceNumber);
    }
    if (start < fstatSync(this.#fd).size) ftruncateSync(this.#fd, start);
    this.release(this.nextSequenceNumber);
    this.#trimToBudget();
  }

  #parseLine(line: Buffer, position: number, lineNo: number): StoredEvent {
    let json: unknown;
    try {
      json = JSON.parse(line.toString('utf8'));
    } catch {
      throw new PartitionLogError(this.file, `line ${lineNo} is not JSON`);
    }
    const parsed = LogLine.safeParse(json);
    if (!parsed.success)
      throw new PartitionLogError(
        this.file,
        `line ${lineNo}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    const l = parsed.data;
    return {
      sequenceNumber: l.s,
      offset: String(position),
      enqueuedTimeMs: l.t,
      partitionKey: l.k,
      properties: l.p,
      body: Buffer.from(l.b, 'base64'),
    };
  }

  #readFromDisk(from: number, to: number): StoredEvent[] {
    // From the indexed event at or before `from` to the indexed event at or after `to` (or the end of the file).
    const first = Math.floor(from / INDEX_STRIDE) * INDEX_STRIDE;
    const startPos = this.#index[first / INDEX_STRIDE]!;
    const after = Math.ceil(to / INDEX_STRIDE) * INDEX_STRIDE;
    const endPos = after < this.#count ? this.#index[after / INDEX_STRIDE]! : this.#end;
    const buf = Buffer.alloc(endPos - startPos);
    readSync(this.#fd, buf, 0, buf.length, startPos);
    const out: StoredEvent[] = [];
    let start = 0;
    for (let seq = first; seq < to; seq++) {
      const nl = buf.indexOf(0x0a, start);
      if (seq >= from) out.push(this.#parseLine(buf.subarray(start, nl), startPos + start, seq + 1));
      start = nl + 1;
    }
    return out;
  }
}
