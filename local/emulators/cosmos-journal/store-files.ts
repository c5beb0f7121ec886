import { open, readdir, readFile, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { DamagedFramesError, encodeFrame, scanFrames } from './frames.js';
import { JournalRecord, type StateRecord } from './records.js';

/**
 * The files of the local Cosmos server under `<dataDir>/cosmos/`, numbered by generation:
 * - `snapshot-<g>.snap`: the whole store as it was when journal g began (written to `.tmp`, synced, then renamed);
 * - `journal-<g>.log`: every write acknowledged since, in order.
 * The state is the newest snapshot followed by every journal of that generation or later. Older files are kept only
 * until the snapshot that covers them is durable.
 */
const SNAPSHOT = /^snapshot-(\d+)\.snap$/;
const JOURNAL = /^journal-(\d+)\.log$/;

export const journalFile = (dir: string, generation: number) => path.join(dir, `journal-${pad(generation)}.log`);
export const snapshotFile = (dir: string, generation: number) => path.join(dir, `snapshot-${pad(generation)}.snap`);
const pad = (generation: number) => String(generation).padStart(6, '0');

/** A file the server cannot load; starting empty instead would silently lose what it holds. */
export class CosmosStoreError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
    detail: string,
    remedy: string,
  ) {
    super(`${file} ${detail}. ${remedy}`);
    this.name = 'CosmosStoreError';
  }
}

const REMEDY_JOURNAL =
  'The server did not start so that nothing in it is lost: restore the file, or move it aside to start without the writes it holds (npm start -- --fresh starts the whole local runtime empty)';
const REMEDY_SNAPSHOT =
  'The server did not start so that nothing in it is lost: restore the file, or delete the cosmos directory to start the local Cosmos store empty';

export interface LoadedStore {
  /** The generation the next journal gets: after every file found, so recovery never appends to a file it cut. */
  nextGeneration: number;
  /** Bytes of journal on top of the newest snapshot, and that snapshot's size: they decide when to compact. */
  journalBytes: number;
  snapshotBytes: number;
  /** Torn tails that were cut, for the start-up log. */
  cut: { file: string; bytes: number }[];
}

/**
 * Loads the store in `dir` by handing every record, in order, to `apply`: the newest snapshot, then each journal from
 * its generation on. A torn tail of the last journal (a write a kill cut short, never acknowledged) is cut from the
 * file; any other damage, or a record `apply` rejects, throws CosmosStoreError naming the file.
 */
export async function loadStore(dir: string, apply: (record: StateRecord) => Promise<void>): Promise<LoadedStore> {
  const names = await readdir(dir);
  const generations = (pattern: RegExp) =>
    names.flatMap((n) => (pattern.exec(n) ? [Number(pattern.exec(n)![1])] : [])).sort((a, b) => a - b);
  const snapshots = generations(SNAPSHOT);
  const journals = generations(JOURNAL);
  const base = snapshots.at(-1) ?? 0;
  const live = journals.filter((g) => g >= base);
  const result: LoadedStore = {
    nextGeneration: Math.max(base, ...journals) + 1,
    journalBytes: 0,
    snapshotBytes: 0,
    cut: [],
  };

  if (base > 0) {
    const file = snapshotFile(dir, base);
    const data = await readStoreFile(file, 'ERR-COSMOS-SNAPSHOT-UNREADABLE', REMEDY_SNAPSHOT);
    result.snapshotBytes = data.length;
    const scanned = scan(file, data, 'ERR-COSMOS-SNAPSHOT-DAMAGED', REMEDY_SNAPSHOT);
    if (scanned.tornBytes > 0)
      throw new CosmosStoreError(
        'ERR-COSMOS-SNAPSHOT-DAMAGED',
        file,
        `ends in ${scanned.tornBytes} bytes that are not a whole record`,
        REMEDY_SNAPSHOT,
      );
    const records = scanned.payloads.map((p, i) =>
      parseRecord(file, p, i, 'ERR-COSMOS-SNAPSHOT-DAMAGED', REMEDY_SNAPSHOT),
    );
    const end = records.pop();
    const body = records.filter((r): r is StateRecord => r.op !== 'snapshotEnd');
    if (end?.op !== 'snapshotEnd' || end.records !== records.length || body.length !== records.length) {
      throw new CosmosStoreError(
        'ERR-COSMOS-SNAPSHOT-DAMAGED',
        file,
        'does not end with its closing record',
        REMEDY_SNAPSHOT,
      );
    }
    await applyAll(file, body, apply, REMEDY_SNAPSHOT);
  }

  for (const [i, generation] of live.entries()) {
    const file = journalFile(dir, generation);
    const data = await readStoreFile(file, 'ERR-COSMOS-JOURNAL-UNREADABLE', REMEDY_JOURNAL);
    const scanned = scan(file, data, 'ERR-COSMOS-JOURNAL-DAMAGED', REMEDY_JOURNAL);
    if (scanned.tornBytes > 0) {
      // Batches are synced in order, so only the newest journal can end in a write that never completed.
      if (i !== live.length - 1) {
        throw new CosmosStoreError(
          'ERR-COSMOS-JOURNAL-DAMAGED',
          file,
          `ends in ${scanned.tornBytes} bytes that are not a whole record, but a later journal exists`,
          REMEDY_JOURNAL,
        );
      }
      await truncate(file, scanned.validBytes);
      await syncFile(file);
      result.cut.push({ file, bytes: scanned.tornBytes });
    }
    const records = scanned.payloads.map((p, n) =>
      parseRecord(file, p, n, 'ERR-COSMOS-JOURNAL-DAMAGED', REMEDY_JOURNAL),
    );
    const body = records.filter((r): r is StateRecord => r.op !== 'snapshotEnd');
    if (body.length !== records.length)
      throw new CosmosStoreError('ERR-COSMOS-JOURNAL-DAMAGED', file, 'holds a snapshot record', REMEDY_JOURNAL);
    await applyAll(file, body, apply, REMEDY_JOURNAL);
    result.journalBytes += scanned.validBytes;
  }

  // Leftovers of compactions that a kill interrupted, and files the newest snapshot covers.
  const obsolete = names.filter((n) => n.endsWith('.tmp') || isBefore(n, SNAPSHOT, base) || isBefore(n, JOURNAL, base));
  await removeFiles(dir, obsolete);
  return result;
}

/**
 * Writes a snapshot so that it is either whole or absent: temporary file, fsync, rename, fsync of the directory.
 * `stage` is told when half the records are written and when the temporary file is synced (fault tests stop there).
 */
export async function writeSnapshot(
  dir: string,
  generation: number,
  records: StateRecord[],
  stage?: (name: 'half-written' | 'written') => void,
): Promise<number> {
  const file = snapshotFile(dir, generation);
  const tmp = `${file}.tmp`;
  const frames = [...records, { op: 'snapshotEnd', records: records.length } satisfies JournalRecord].map((r) =>
    encodeFrame(Buffer.from(JSON.stringify(r))),
  );
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  const half = Math.ceil(frames.length / 2);
  const handle = await open(tmp, 'w');
  try {
    await writeAll(handle, tmp, frames.slice(0, half));
    stage?.('half-written');
    await writeAll(handle, tmp, frames.slice(half));
    await handle.sync();
  } finally {
    await handle.close();
  }
  stage?.('written');
  await rename(tmp, file);
  await fsyncDirectory(dir);
  return bytes;
}

/** Writes `frames` at the file's position (appends for a file opened with 'a'); a short write is an error. */
export async function writeAll(handle: FileHandle, file: string, frames: Buffer[]): Promise<void> {
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  const { bytesWritten } = await handle.writev(frames);
  if (bytesWritten !== bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes to ${file}`);
}

/** Deletes every snapshot and journal older than `generation` (the snapshot of `generation` covers them). */
export async function removeCovered(dir: string, generation: number): Promise<void> {
  const names = await readdir(dir);
  await removeFiles(
    dir,
    names.filter((n) => isBefore(n, SNAPSHOT, generation) || isBefore(n, JOURNAL, generation)),
  );
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeFiles(dir: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  for (const n of names) await rm(path.join(dir, n), { force: true });
  await fsyncDirectory(dir);
}

function isBefore(name: string, pattern: RegExp, generation: number): boolean {
  const m = pattern.exec(name);
  return m !== null && Number(m[1]) < generation;
}

async function readStoreFile(file: string, code: string, remedy: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new CosmosStoreError(code, file, `cannot be read (${(err as Error).message})`, remedy);
  }
}

function scan(file: string, data: Buffer, code: string, remedy: string) {
  try {
    return scanFrames(data);
  } catch (err) {
    if (err instanceof DamagedFramesError) throw new CosmosStoreError(code, file, `is damaged: ${err.message}`, remedy);
    throw err;
  }
}

function parseRecord(file: string, payload: Buffer, index: number, code: string, remedy: string): JournalRecord {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new CosmosStoreError(code, file, `record ${index + 1} is not JSON`, remedy);
  }
  const parsed = JournalRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CosmosStoreError(
      code,
      file,
      `record ${index + 1} is not a store record (${issue?.path.join('.') || 'record'}: ${issue?.message})`,
      remedy,
    );
  }
  return parsed.data;
}

async function applyAll(
  file: string,
  records: StateRecord[],
  apply: (record: StateRecord) => Promise<void>,
  remedy: string,
): Promise<void> {
  for (const [i, record] of records.entries()) {
    try {
      await apply(record);
    } catch (err) {
      throw new CosmosStoreError(
        'ERR-COSMOS-REPLAY',
        file,
        `record ${i + 1} (${record.op}) could not be applied: ${(err as Error).message}`,
        remedy,
      );
    }
  }
}
