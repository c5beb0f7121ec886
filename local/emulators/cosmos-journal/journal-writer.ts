import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory, writeAll } from './store-files.js';

interface Segment {
  file: string;
  handle?: FileHandle;
}

interface Batch {
  segment: Segment;
  frames: Buffer[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Appends journal frames with group commit: frames appended in the same tick, or while the previous write is being
 * synced, share one write and one fdatasync. Batches are written strictly in order, one at a time, so what is on disk
 * is always a prefix of what was appended: when a frame's promise resolves, it and every frame before it are durable.
 */
export class JournalWriter {
  #segment: Segment;
  #queue: Batch[] = [];
  #inFlight: Batch | undefined;
  #scheduled = false;
  #failure: Error | undefined;

  /** `onFailure` learns of a write or sync that failed: from then on nothing appended can be made durable. */
  constructor(
    file: string,
    private readonly onFailure: (err: Error) => void,
  ) {
    this.#segment = { file };
  }

  /** The file new frames go to. */
  get file(): string {
    return this.#segment.file;
  }

  /** Queues `frame`; resolves once it (and everything appended before it) is synced to disk. */
  append(frame: Buffer): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    let batch = this.#queue.at(-1);
    if (!batch || batch.segment !== this.#segment) {
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      done.catch(() => undefined);
      batch = { segment: this.#segment, frames: [], done, resolve, reject };
      this.#queue.push(batch);
    }
    batch.frames.push(frame);
    this.#schedule();
    return batch.done;
  }

  /** Resolves once everything appended so far is durable (at once when nothing is pending). */
  whenDurable(): Promise<void> {
    return (this.#queue.at(-1) ?? this.#inFlight)?.done ?? Promise.resolve();
  }

  /**
   * Sends later frames to `file` (created on the first write). Resolves once every frame appended to the previous
   * file is durable and that file is closed: from then on the previous file is no longer written.
   */
  async rotate(file: string): Promise<void> {
    const previous = this.#segment;
    const durable = this.whenDurable();
    this.#segment = { file };
    await durable;
    await previous.handle?.close();
    previous.handle = undefined;
  }

  /** Waits for every pending frame, then closes the current file. */
  async close(): Promise<void> {
    await this.whenDurable();
    await this.#segment.handle?.close();
    this.#segment.handle = undefined;
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: requests answered in the same tick join the batch before it is written.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (!this.#inFlight && this.#queue.length > 0 && !this.#failure) {
      const batch = this.#queue.shift()!;
      this.#inFlight = batch;
      try {
        await this.#write(batch);
        batch.resolve();
      } catch (err) {
        this.#fail(err instanceof Error ? err : new Error(String(err)), batch);
      } finally {
        this.#inFlight = undefined;
      }
    }
  }

  async #write(batch: Batch): Promise<void> {
    const segment = batch.segment;
    if (!segment.handle) {
      segment.handle = await open(segment.file, 'a');
      // The new file's directory entry must be durable too, or a crash could lose the whole file.
      await fsyncDirectory(path.dirname(segment.file));
    }
    await writeAll(segment.handle, segment.file, batch.frames);
    await segment.handle.datasync();
  }

  #fail(err: Error, batch: Batch): void {
    this.#failure = err;
    batch.reject(err);
    for (const b of this.#queue.splice(0)) b.reject(err);
    this.onFailure(err);
  }
}
