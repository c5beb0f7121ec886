import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { z } from 'zod';

/** A property value Service Bus carries in application properties (the types the devhost keeps). */
export const PropertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type PropertyValue = z.infer<typeof PropertyValue>;

/**
 * One line of a topic's journal. Short keys: a line is written on every send, lock and settlement.
 * m = message enqueued (to the listed subscriptions), l = locked for delivery, a = abandoned, c = completed,
 * d = dead-lettered, r = replayed from the dead-letter queue; after compaction also h = duplicate-detection history
 * and s = the next sequence number (numbers are never reused).
 */
export const JournalLine = z.discriminatedUnion('o', [
  z.object({
    o: z.literal('m'),
    q: z.number().int().min(0),
    i: z.string(),
    b: z.string(),
    ct: z.string().optional(),
    ci: z.string().optional(),
    sj: z.string().optional(),
    ap: z.record(z.string(), PropertyValue),
    t: z.number(),
    subs: z.array(z.string()),
  }),
  z.object({ o: z.literal('l'), s: z.string(), q: z.number().int(), c: z.number().int().min(1), u: z.number() }),
  z.object({ o: z.literal('a'), s: z.string(), q: z.number().int() }),
  z.object({ o: z.literal('c'), s: z.string(), q: z.number().int() }),
  z.object({ o: z.literal('d'), s: z.string(), q: z.number().int(), r: z.string(), e: z.string(), t: z.number() }),
  /** `t`: when the replay gave the message a fresh time to live (absent in journals written before it did). */
  z.object({ o: z.literal('r'), s: z.string(), q: z.number().int(), t: z.number().optional() }),
  z.object({ o: z.literal('h'), i: z.string(), t: z.number() }),
  z.object({ o: z.literal('s'), q: z.number().int().min(1) }),
]);
export type JournalLine = z.infer<typeof JournalLine>;

export class JournalError extends Error {
  readonly code = 'ERR-DEVHOST-SBJOURNAL';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`Service Bus journal ${file} ${detail}. Delete the file to start the topic empty (its messages are lost).`);
    this.name = 'JournalError';
  }
}

/**
 * An append-only JSON-lines journal written synchronously, so a killed devhost keeps every send it acknowledged
 * and every settlement it made. A torn last line (kill mid-write) is dropped on open.
 */
export class Journal {
  #fd: number;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.#fd = fd;
  }

  /** Reads every whole line of `file` (none when it does not exist). */
  static read(file: string): JournalLine[] {
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // The last element is '' after a final newline, or a torn line: both are dropped.
    lines.pop();
    return lines.map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new JournalError(file, `line ${i + 1} is not JSON`);
      }
      const parsed = JournalLine.safeParse(json);
      if (!parsed.success)
        throw new JournalError(
          file,
          `line ${i + 1}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        );
      return parsed.data;
    });
  }

  /** Replaces `file` with `lines` (write to a temporary file, then rename: never a half-written journal) and opens it for appending. */
  static rewrite(file: string, lines: JournalLine[]): Journal {
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w');
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    writeSync(fd, text.length > 0 ? `${text}\n` : '');
    closeSync(fd);
    renameSync(tmp, file);
    return new Journal(file, openSync(file, 'a'));
  }

  /** Appends one line; it is with the OS when this returns. */
  append(line: JournalLine): void {
    writeSync(this.#fd, `${JSON.stringify(line)}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
