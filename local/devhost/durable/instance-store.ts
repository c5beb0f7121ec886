import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HistoryEvent } from './history.js';
import { RetryOptionsSchema } from './actions.js';
import { DiskFullError, isDiskFull } from '../disk-full.js';

/**
 * Each orchestration instance is one append-only JSON-lines file `<root>/<encoded id>.jsonl`:
 *   created   — a start (name, input, parent link); a restart of a finished id rewrites the file;
 *   inbox     — an event that arrived for the instance (activity result, timer, external event, terminate);
 *   turn      — one orchestrator run: the history it appended, how many inbox events it consumed, and the
 *               host's bookkeeping after it (status, next task id, pending work);
 *   continued — continue-as-new: history starts over with the new input.
 * Writes are synchronous, so a killed process keeps every acknowledged record; creation, completion and
 * continue-as-new are fsynced. A torn last line (kill during a write) is ignored on load.
 */

const Json = z.unknown();

export const RuntimeStatus = z.enum(['Pending', 'Running', 'Completed', 'Failed', 'Terminated']);
export type RuntimeStatus = z.infer<typeof RuntimeStatus>;

const RetryState = z.object({ options: RetryOptionsSchema, attempt: z.number().int().min(1) });

/** Work the host owes the instance: an activity or sub-orchestration to finish, a timer to fire. */
export const PendingTask = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('activity'),
    id: z.number().int(),
    name: z.string(),
    input: Json,
    retry: RetryState.optional(),
  }),
  z.object({
    kind: z.literal('sub'),
    id: z.number().int(),
    name: z.string(),
    childId: z.string(),
    input: Json,
    retry: RetryState.optional(),
  }),
  z.object({
    kind: z.literal('timer'),
    id: z.number().int(),
    fireAtMs: z.number(),
    /** Set for the wait between retry attempts: what to schedule again when it fires. */
    retryOf: z
      .object({ kind: z.enum(['activity', 'sub']), name: z.string(), input: Json, retry: RetryState })
      .optional(),
  }),
]);
export type PendingTask = z.infer<typeof PendingTask>;

export const Snapshot = z.object({
  runtimeStatus: RuntimeStatus,
  output: Json,
  customStatus: Json,
  lastUpdatedMs: z.number(),
  /** Next task id of the orchestration's sequence (the library's `sequenceNumber`). */
  nextId: z.number().int(),
  /** Signature of every leaf action seen so far, by position: replay must return the same ones. */
  actionSigs: z.array(z.string()),
  /** Task id of every leaf action seen so far, by position (-1 for none): a timer cancelled later is found by it. */
  actionIds: z.array(z.number().int()).optional(),
  pending: z.array(PendingTask),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** The parent a sub-orchestration reports to: its id, the task waiting, the execution and the start (generation) of the parent. */
const ParentLink = z.object({
  instanceId: z.string(),
  taskId: z.number().int(),
  execution: z.number().int(),
  generation: z.string().optional(),
});
export type ParentLink = z.infer<typeof ParentLink>;

const HistoryEventSchema = z.looseObject({
  EventType: z.number().int(),
  EventId: z.number().int(),
  IsPlayed: z.boolean(),
  Timestamp: z.string(),
});

const StoreRecord = z.discriminatedUnion('k', [
  // `generation` tells a start from a later start of the same id (absent in files written before it existed).
  z.object({
    k: z.literal('created'),
    instanceId: z.string(),
    name: z.string(),
    input: Json,
    createdMs: z.number(),
    parent: ParentLink.optional(),
    generation: z.string().optional(),
  }),
  z.object({ k: z.literal('inbox'), event: HistoryEventSchema, execution: z.number().int() }),
  z.object({
    k: z.literal('turn'),
    consumed: z.number().int().min(0),
    events: z.array(HistoryEventSchema),
    state: Snapshot,
  }),
  z.object({ k: z.literal('continued'), input: Json, atMs: z.number() }),
]);
export type StoreRecord = z.infer<typeof StoreRecord>;

/** An instance as rebuilt from its file. */
export interface StoredInstance {
  instanceId: string;
  name: string;
  input: unknown;
  createdMs: number;
  /** Identifies this start of the id: a replacing start (AnyState) gets another. */
  generation: string;
  parent?: ParentLink;
  /** Continue-as-new count: 0 for the first execution. */
  execution: number;
  history: HistoryEvent[];
  /** Arrived, not yet consumed by a turn, with the execution they belong to. */
  inbox: { event: HistoryEvent; execution: number }[];
  state: Snapshot;
}

/** The state of an instance that was created and has not run yet. */
export function initialSnapshot(nowMs: number): Snapshot {
  return {
    runtimeStatus: 'Pending',
    output: null,
    customStatus: null,
    lastUpdatedMs: nowMs,
    nextId: 0,
    actionSigs: [],
    pending: [],
  };
}

/** File-per-instance store under `root` (e.g. `<dataDir>/durable/<taskHub>`). */
export class InstanceStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  #file(instanceId: string): string {
    return path.join(this.root, `${encodeURIComponent(instanceId)}.jsonl`);
  }

  /** Starts (or restarts) the file of an instance with its `created` record, fsynced. */
  create(record: Extract<StoreRecord, { k: 'created' }>): void {
    this.#write(record.instanceId, record, { truncate: true, sync: true });
  }

  /** Appends one record; `sync` fsyncs it (important transitions). */
  append(instanceId: string, record: StoreRecord, sync = false): void {
    this.#write(instanceId, record, { truncate: false, sync });
  }

  /** Deletes the instance's file; false when there was none. */
  purge(instanceId: string): boolean {
    const file = this.#file(instanceId);
    if (!existsSync(file)) return false;
    rmSync(file);
    return true;
  }

  /** One stored instance rebuilt from its records, or undefined when it has no file. */
  loadOne(instanceId: string): StoredInstance | undefined {
    const file = this.#file(instanceId);
    return existsSync(file) ? this.#load(file) : undefined;
  }

  /** Every stored instance, rebuilt from its records. */
  loadAll(): StoredInstance[] {
    const out: StoredInstance[] = [];
    for (const name of readdirSync(this.root)) {
      if (!name.endsWith('.jsonl')) continue;
      const inst = this.#load(path.join(this.root, name));
      if (inst) out.push(inst);
    }
    return out;
  }

  /**
   * Writes one record whole, or not at all: on a failure (a full disk) the file is cut back to where it ended, so
   * a later record never follows half of one, and a full disk is reported as DiskFullError naming the file.
   */
  #write(instanceId: string, record: StoreRecord, opts: { truncate: boolean; sync: boolean }): void {
    const file = this.#file(instanceId);
    const fd = openSync(file, opts.truncate ? 'w' : 'a');
    const end = fstatSync(fd).size;
    try {
      const bytes = Buffer.from(`${JSON.stringify(record)}\n`);
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
      if (opts.sync) fsyncSync(fd);
    } catch (err) {
      try {
        ftruncateSync(fd, end);
      } catch {
        // Cutting back needs no space; if it fails all the same, the torn line is the last and is ignored on load.
      }
      if (isDiskFull(err)) throw new DiskFullError(file, err);
      throw err;
    } finally {
      closeSync(fd);
    }
  }

  #load(file: string): StoredInstance | undefined {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    let inst: StoredInstance | undefined;
    let inbox: { event: HistoryEvent; execution: number }[] = [];
    lines.forEach((line, i) => {
      let parsed: StoreRecord;
      try {
        parsed = StoreRecord.parse(JSON.parse(line));
      } catch (err) {
        if (i === lines.length - 1) return; // torn by a kill mid-write: the record was never acknowledged
        throw new Error(
          `ERR-DEVHOST-DURABLE-STORE: ${file} line ${i + 1} is unreadable (${(err as Error).message}); delete the file to drop the instance.`,
          { cause: err },
        );
      }
      if (parsed.k === 'created') {
        inbox = [];
        inst = {
          instanceId: parsed.instanceId,
          name: parsed.name,
          input: parsed.input,
          createdMs: parsed.createdMs,
          generation: parsed.generation ?? `created-${parsed.createdMs}`,
          parent: parsed.parent,
          execution: 0,
          history: [],
          inbox,
          state: initialSnapshot(parsed.createdMs),
        };
        return;
      }
      if (!inst) return;
      if (parsed.k === 'inbox') inbox.push({ event: parsed.event as HistoryEvent, execution: parsed.execution });
      else if (parsed.k === 'turn') {
        inbox.splice(0, parsed.consumed);
        inst.history.push(...(parsed.events as HistoryEvent[]));
        inst.state = parsed.state;
      } else {
        inst.execution += 1;
        inst.input = parsed.input;
        inst.history = [];
        inst.state = { ...initialSnapshot(parsed.atMs), runtimeStatus: 'Running' };
      }
    });
    return inst;
  }
}
