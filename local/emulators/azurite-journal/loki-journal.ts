/**
 * A write-ahead journal under one of Azurite's LokiJS databases. Azurite keeps blob metadata in LokiJS and saves the
 * whole database every 5 s, so a write it answered may be gone after a kill (20 of 20 writes acknowledged 0.5–2 s
 * before a SIGKILL were lost). Here every change LokiJS records (its changes API: the whole document inserted or
 * updated, or the one removed) is appended to a journal and fdatasync'ed before the request that made it is answered
 * (group commit: changes of requests answered together share one sync). Snapshots replace LokiJS's timer: past
 * `compactAtBytes` of journal the database is serialised between two requests, later changes go to the next journal
 * generation, and the snapshot is written whole (temporary file, fsync, rename, directory fsync) before the journals it
 * covers are deleted. At start the snapshot and every journal left are merged before LokiJS loads the file.
 */
import { existsSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DamagedFramesError, encodeFrame, scanFrames } from '../cosmos-journal/frames.js';
import { JournalWriter } from '../cosmos-journal/journal-writer.js';
import { fsyncDirectory } from '../cosmos-journal/store-files.js';

/** One change as LokiJS's changes API records it (full documents: the delta API is off). */
export const LokiChange = z.object({
  name: z.string(),
  operation: z.enum(['I', 'U', 'R']),
  obj: z.looseObject({ $loki: z.number().int().positive() }),
});
export type LokiChange = z.infer<typeof LokiChange>;
const JournalFrame = z.array(LokiChange);

/** The parts of a LokiJS collection the journal touches. */
export interface LokiCollectionLike {
  name: string;
  changes: LokiChange[];
  flushChanges(): void;
  setChangesApi(enabled: boolean): void;
  ensureAllIndexes(force?: boolean): void;
}

/** The parts of a LokiJS database the journal touches. */
export interface LokiLike {
  collections: LokiCollectionLike[];
  saveDatabase(callback?: (err?: Error) => void): void;
  serialize(): string;
  autosaveClearFlags(): void;
  autosaveDisable(): void;
}

/** Points of a snapshot where a fault test may have the emulator kill itself, to prove none loses a write. */
export const SnapshotCrashPoint = z.enum(['snapshot-rotated', 'snapshot-written', 'snapshot-renamed', 'snapshot-done']);
export type SnapshotCrashPoint = z.infer<typeof SnapshotCrashPoint>;

export class AzuriteJournalError extends Error {
  constructor(
    readonly code: 'ERR-AZURITE-JOURNAL-DAMAGED' | 'ERR-AZURITE-SNAPSHOT-DAMAGED',
    readonly file: string,
    detail: string,
  ) {
    super(
      `${code}: ${file} ${detail}. Azurite's metadata cannot be restored from it; move the file aside to inspect it, or start with --fresh (loses the local lake).`,
    );
    this.name = 'AzuriteJournalError';
  }
}

const GENERATION = /\.journal-(\d{6})\.log$/;
const journalPath = (dbFile: string, generation: number) =>
  `${dbFile}.journal-${String(generation).padStart(6, '0')}.log`;

/** The journal generations of `dbFile` on disk, oldest first. */
function generationsOf(dbFile: string): number[] {
  const dir = path.dirname(dbFile);
  const base = path.basename(dbFile);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${base}.journal-`))
    .map((n) => Number(GENERATION.exec(n)?.[1]))
    .filter((g) => Number.isInteger(g))
    .sort((a, b) => a - b);
}

interface SerializedCollection {
  name: string;
  data: { $loki: number }[];
  maxId?: number;
  idIndex?: number[] | null;
  changes?: unknown[];
  dirtyIds?: unknown[];
}

/**
 * Applies journalled changes to a serialised LokiJS database (the JSON LokiJS writes). Each change sets or removes
 * one document by `$loki`, so applying a change the snapshot already holds again leaves the same state: the journals
 * a snapshot covers may be applied over it without harm.
 */
export function applyChanges(db: { collections: SerializedCollection[] }, frames: readonly LokiChange[][]): number {
  const byName = new Map(db.collections.map((c) => [c.name, new Map(c.data.map((d) => [d.$loki, d]))]));
  let applied = 0;
  for (const frame of frames) {
    for (const change of frame) {
      const docs = byName.get(change.name);
      if (!docs) throw new Error(`a change names collection ${change.name}, which the snapshot does not have`);
      if (change.operation === 'R') docs.delete(change.obj.$loki);
      else docs.set(change.obj.$loki, change.obj as { $loki: number });
      applied++;
    }
  }
  for (const c of db.collections) {
    c.data = [...byName.get(c.name)!.values()].sort((a, b) => a.$loki - b.$loki);
    c.maxId = Math.max(c.maxId ?? 0, ...c.data.map((d) => d.$loki));
    c.idIndex = c.data.map((d) => d.$loki);
    c.changes = [];
    c.dirtyIds = [];
  }
  return applied;
}

/** Reads every whole frame of one journal file; a torn tail (a write a kill cut short, never answered) is cut off. */
function readJournal(file: string, log: (line: string) => void): LokiChange[][] {
  let scanned;
  try {
    scanned = scanFrames(readFileSync(file));
  } catch (e) {
    if (e instanceof DamagedFramesError) throw new AzuriteJournalError('ERR-AZURITE-JOURNAL-DAMAGED', file, e.message);
    throw e;
  }
  if (scanned.tornBytes > 0) {
    truncateSync(file, scanned.validBytes);
    log(`${path.basename(file)}: cut a torn last record of ${scanned.tornBytes} bytes (a write a kill interrupted)`);
  }
  return scanned.payloads.map((p, i) => {
    const parsed = JournalFrame.safeParse(JSON.parse(p.toString('utf8')));
    if (!parsed.success)
      throw new AzuriteJournalError('ERR-AZURITE-JOURNAL-DAMAGED', file, `record ${i + 1} is not a change list`);
    return parsed.data;
  });
}

/**
 * Before LokiJS loads `dbFile`: merges every journal left beside it into the file (written whole), so LokiJS loads
 * every change that was acknowledged. Returns the newest generation found (the next journal is numbered after it) and
 * how many changes were applied. The journals stay until the next snapshot covers them, so a kill here loses nothing.
 */
export async function recoverDatabase(
  dbFile: string,
  log: (line: string) => void,
): Promise<{ generation: number; applied: number }> {
  const generations = generationsOf(dbFile);
  const last = generations.at(-1) ?? 0;
  if (generations.length === 0) return { generation: 0, applied: 0 };
  const frames = generations.flatMap((g) => readJournal(journalPath(dbFile, g), log));
  if (frames.length === 0) return { generation: last, applied: 0 };
  if (!existsSync(dbFile))
    throw new AzuriteJournalError('ERR-AZURITE-SNAPSHOT-DAMAGED', dbFile, 'is missing while journals of it exist');
  let db: { collections: SerializedCollection[] };
  try {
    db = JSON.parse(readFileSync(dbFile, 'utf8')) as { collections: SerializedCollection[] };
  } catch (e) {
    throw new AzuriteJournalError('ERR-AZURITE-SNAPSHOT-DAMAGED', dbFile, `does not parse: ${(e as Error).message}`);
  }
  let applied: number;
  try {
    applied = applyChanges(db, frames);
  } catch (e) {
    throw new AzuriteJournalError('ERR-AZURITE-JOURNAL-DAMAGED', journalPath(dbFile, last), (e as Error).message);
  }
  await writeWhole(dbFile, JSON.stringify(db));
  log(`${path.basename(dbFile)}: restored ${applied} journalled change(s) from ${generations.length} journal(s)`);
  return { generation: last, applied };
}

/** Writes `text` to `file` so that the file is either the old one or the new one whole, after a kill or power loss. */
async function writeWhole(file: string, text: string, stage?: (point: 'written') => void): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  stage?.('written');
  await rename(tmp, file);
  await fsyncDirectory(path.dirname(file));
}

export interface LokiJournalOptions {
  /** Journal bytes past which the database is snapshotted and the journals it covers deleted. */
  compactAtBytes: number;
  log: (line: string) => void;
  /** The journal could not be written: from then on nothing can be made durable, so the emulator must stop. */
  onFailure: (err: Error) => void;
  /** Fault tests only: the emulator kills itself at this point of its next snapshot. */
  crashAt?: SnapshotCrashPoint;
}

/** The journal of one open database: `commit()` after every operation, before its answer leaves. */
export class LokiJournal {
  #generation: number;
  #writer: JournalWriter;
  #bytes = 0;
  #saving: Promise<void> = Promise.resolve();
  #snapshotQueued = false;

  private constructor(
    private readonly db: LokiLike,
    private readonly dbFile: string,
    generation: number,
    private readonly options: LokiJournalOptions,
  ) {
    this.#generation = generation + 1;
    this.#writer = new JournalWriter(journalPath(dbFile, this.#generation), options.onFailure);
  }

  /**
   * Takes over saving of `db` (already loaded from the recovered file): LokiJS's timer stops, `saveDatabase` becomes a
   * snapshot, and every collection records its changes from now on.
   */
  static attach(db: LokiLike, dbFile: string, generation: number, options: LokiJournalOptions): LokiJournal {
    const journal = new LokiJournal(db, dbFile, generation, options);
    db.autosaveDisable();
    db.saveDatabase = (callback) => {
      journal.snapshot().then(
        () => callback?.(),
        (err: Error) => callback?.(err),
      );
    };
    journal.watchCollections();
    return journal;
  }

  /** Turns the changes API on for every collection (new ones too) and drops changes recorded before the journal. */
  watchCollections(): void {
    for (const c of this.db.collections) {
      c.setChangesApi(true);
      c.flushChanges();
    }
  }

  /** Rebuilds every collection's indices (the recovered file's indices describe the snapshot, not the merge). */
  rebuildIndices(): void {
    for (const c of this.db.collections) c.ensureAllIndexes(true);
  }

  /** Journals the changes made since the last commit; resolves once they, and every change before them, are durable. */
  commit(): Promise<void> {
    const changes = this.#drain();
    if (changes.length === 0) return this.#writer.whenDurable();
    const frame = encodeFrame(Buffer.from(JSON.stringify(changes), 'utf8'));
    this.#bytes += frame.length;
    const durable = this.#writer.append(frame);
    if (this.#bytes >= this.options.compactAtBytes && !this.#snapshotQueued) {
      this.#snapshotQueued = true;
      // After this frame is durable, between two requests: the snapshot then covers it.
      void durable.then(() => this.snapshot('compaction')).catch(() => undefined);
    }
    return durable;
  }

  /** Waits for every change journalled so far and for a snapshot under way. */
  async close(): Promise<void> {
    await this.commit();
    await this.#saving;
    await this.#writer.close();
  }

  /**
   * Serialises the database, switching later changes to the next journal in the same tick, writes the snapshot whole
   * and deletes the journals it covers. One at a time: a second call waits and then takes its own snapshot.
   */
  snapshot(reason: 'compaction' | 'requested' = 'requested'): Promise<void> {
    const run = this.#saving.then(() => this.#snapshotNow(reason));
    this.#saving = run.catch(() => undefined);
    return run;
  }

  async #snapshotNow(reason: 'compaction' | 'requested'): Promise<void> {
    // Fault tests stop in a compaction, not in the snapshots Azurite asks for when it opens and closes.
    const crash = (point: SnapshotCrashPoint) => {
      if (reason === 'compaction') this.#crash(point);
    };
    this.#snapshotQueued = false;
    // Pending changes go to the current journal first; the snapshot taken in this same tick holds them too.
    const pending = this.#drain();
    if (pending.length > 0) void this.#writer.append(encodeFrame(Buffer.from(JSON.stringify(pending), 'utf8')));
    const covered = this.#generation;
    this.#generation += 1;
    this.#bytes = 0;
    const rotated = this.#writer.rotate(journalPath(this.dbFile, this.#generation));
    this.db.autosaveClearFlags();
    const text = this.db.serialize();
    await rotated;
    crash('snapshot-rotated');
    await writeWhole(this.dbFile, text, () => crash('snapshot-written'));
    crash('snapshot-renamed');
    for (const g of generationsOf(this.dbFile))
      if (g <= covered) await rm(journalPath(this.dbFile, g), { force: true });
    await fsyncDirectory(path.dirname(this.dbFile));
    crash('snapshot-done');
  }

  #drain(): LokiChange[] {
    const out: LokiChange[] = [];
    for (const c of this.db.collections) {
      if (c.changes.length === 0) continue;
      out.push(...c.changes);
      c.flushChanges();
    }
    return out;
  }

  #crash(point: SnapshotCrashPoint): void {
    if (this.options.crashAt === point) process.kill(process.pid, 'SIGKILL');
  }
}
