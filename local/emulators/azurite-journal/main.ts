/**
 * `node --import tsx local/emulators/azurite-journal/main.ts <azurite arguments>` runs Azurite with its blob and queue
 * metadata journalled (durable-azurite.ts): every write it answers survives a SIGKILL. The arguments are Azurite's own.
 * Settings for fault tests and tuning come from the environment: `AZURITE_JOURNAL_COMPACT_AT_BYTES` (default 16 MiB)
 * and `AZURITE_JOURNAL_CRASH_AT` (a SnapshotCrashPoint: the process kills itself there in its next snapshot).
 * A journal that cannot be restored or written ends the process with one `ERR-AZURITE-…` line on stderr naming the file.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { makeAzuriteDurable } from './durable-azurite.js';
import { AzuriteJournalError, SnapshotCrashPoint } from './loki-journal.js';

/** 16 MiB of journal: about 10,000 blob writes between snapshots, replayed at start in well under a second. */
const DEFAULT_COMPACT_AT_BYTES = 16 * 1024 * 1024;

const Env = z.object({
  AZURITE_JOURNAL_COMPACT_AT_BYTES: z.coerce.number().int().positive().default(DEFAULT_COMPACT_AT_BYTES),
  AZURITE_JOURNAL_CRASH_AT: SnapshotCrashPoint.optional(),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  const issue = parsed.error.issues[0]!;
  process.stderr.write(`ERR-AZURITE-ARGS: ${String(issue.path[0])} ${issue.message}\n`);
  process.exit(2);
}
const env = parsed.data;

makeAzuriteDurable({
  compactAtBytes: env.AZURITE_JOURNAL_COMPACT_AT_BYTES,
  ...(env.AZURITE_JOURNAL_CRASH_AT ? { crashAt: env.AZURITE_JOURNAL_CRASH_AT } : {}),
  log: (line) => process.stderr.write(`azurite-journal: ${line}\n`),
  onFailure: (err) => {
    // Memory is ahead of the disk: answering on would acknowledge writes a restart loses.
    process.stderr.write(
      `ERR-AZURITE-JOURNAL-WRITE: ${err.message}. Azurite stopped; every write it acknowledged is on disk.\n`,
    );
    process.exit(1);
  },
});

// A journal Azurite's start cannot restore surfaces as its "unhandled error": name the file instead, and stop.
process.on('uncaughtException', exitOnJournalError);
process.on('unhandledRejection', exitOnJournalError);
function exitOnJournalError(err: unknown): void {
  if (err instanceof AzuriteJournalError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`ERR-AZURITE-START: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}

createRequire(import.meta.url)('azurite/dist/src/azurite.js');
