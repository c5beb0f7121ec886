/**
 * `node --import tsx local/emulators/cosmos-journal/main.ts --dir <dataDir>/cosmos [--port 0] [--compact-at-bytes N] [--with-parent]`
 * runs the durable local Cosmos server (see durable-server.ts). Prints `listening <port>` once its store is loaded;
 * a store it cannot load ends it with exit code 1 and one line on stderr naming the code and the file.
 * `--with-parent`: it stops when its stdin closes (the parent that started it is gone) and ignores SIGINT (the parent
 * stops it). `--crash-at <point>` makes it SIGKILL itself at a point of compaction (fault tests only).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CrashPoint } from './crash-point.js';
import { startDurableCosmosServer } from './durable-server.js';

/**
 * 16 MiB of journal: replayed at start in about a second (≈12,000 records/s on 2 cores), and at the ~150 document
 * writes per second of `npm start` about one compaction a minute or two.
 */
const DEFAULT_COMPACT_AT_BYTES = 16 * 1024 * 1024;

const Args = z.object({
  dir: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535).default(0),
  'compact-at-bytes': z.coerce.number().int().positive().default(DEFAULT_COMPACT_AT_BYTES),
  'crash-at': CrashPoint.optional(),
  'with-parent': z.boolean().default(false),
});

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string' },
    'compact-at-bytes': { type: 'string' },
    'crash-at': { type: 'string' },
    'with-parent': { type: 'boolean' },
  },
  strict: true,
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  const issue = parsed.error.issues[0]!;
  process.stderr.write(`ERR-COSMOS-ARGS: --${String(issue.path[0])} ${issue.message}\n`);
  process.exit(2);
}
const args = parsed.data;
const log = (line: string) => process.stderr.write(`cosmos: ${line}\n`);

try {
  const server = await startDurableCosmosServer({
    dir: args.dir,
    port: args.port,
    host: '127.0.0.1',
    compactAtBytes: args['compact-at-bytes'],
    ...(args['crash-at'] ? { crashAt: args['crash-at'] } : {}),
    // A server whose parent was just killed is on its way out (its stdin closed): wait for it rather than refuse.
    lockWaitMs: 10_000,
    log,
    onJournalFailure: (err) => {
      // The in-memory store is ahead of the disk: serving on would answer with changes a restart loses.
      process.stderr.write(
        `ERR-COSMOS-JOURNAL-WRITE: ${err.message}. The server stopped; its acknowledged writes are on disk.\n`,
      );
      process.exit(1);
    },
  });
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  if (args['with-parent']) {
    // Ctrl-C reaches the whole process group: the parent stops this server last, after the app stopped writing.
    process.on('SIGINT', () => undefined);
    // Its stdin is a pipe from the parent, closed however the parent ends: never outlive it holding the store.
    process.stdin.on('end', stop).resume();
  }
  process.stdout.write(`listening ${server.port}\n`);
} catch (err) {
  const code = (err as { code?: unknown }).code;
  process.stderr.write(
    `${typeof code === 'string' && code.startsWith('ERR-') ? code : 'ERR-COSMOS-START'}: ${(err as Error).message}\n`,
  );
  process.exit(1);
}
