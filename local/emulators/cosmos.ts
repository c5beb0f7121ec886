import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { stopChild } from './azurite.js';
import { CrashPoint } from './cosmos-journal/crash-point.js';

/** The key the local Cosmos-compatible server accepts (it checks none; Azure uses managed identity instead). */
export const LOCAL_COSMOS_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface CosmosHandle {
  endpoint: string;
  key: string;
  /** The server's process id (fault tests kill it, or its process group). */
  pid: number;
  /** Where the durable server keeps its journal and snapshots; undefined for the in-memory server. */
  storeDir: string | undefined;
  /** Stops the server cleanly (SIGTERM; SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Kills the server as a crash would (SIGKILL); resolves once it has exited. */
  kill(): Promise<void>;
  /** The port it listens on (a restart on the same one keeps every client's endpoint valid). */
  port: number;
  /** Resolves when the process ends, however it ends (a supervisor watches it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const CosmosOptions = z.object({
  /**
   * With a data directory the server keeps its store in `<dataDir>/cosmos/` (journal and snapshots) and every write
   * it acknowledged survives a kill; without one it keeps everything in memory and a restart starts empty.
   */
  dataDir: z.string().min(1).optional(),
  /** Port of the durable server (0 or absent: any free port). */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Journal bytes past which the durable server compacts its store into a snapshot (default 16 MiB). */
  compactAtBytes: z.number().int().positive().optional(),
  /** Fault tests only: the durable server kills itself (SIGKILL) at this point of its next compaction. */
  crashAt: CrashPoint.optional(),
});
export type CosmosOptions = z.input<typeof CosmosOptions>;

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts the Cosmos DB–compatible server (@vercel/cosmosdb-server) over plain HTTP on a free loopback port.
 * `startCosmos()` is the throwaway in-memory server tests use; `startCosmos({ dataDir })` is the durable one the
 * devhost and `npm start` use (local/emulators/cosmos-journal: write-ahead journal, snapshots, replay at start).
 */
export async function startCosmos(options: CosmosOptions = {}): Promise<CosmosHandle> {
  const o = CosmosOptions.parse(options);
  const storeDir = o.dataDir ? path.join(path.resolve(o.dataDir), 'cosmos') : undefined;
  const child = storeDir ? spawnDurable(storeDir, o) : spawnInMemory();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await waitForPort(child);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    exited,
    key: LOCAL_COSMOS_KEY,
    pid: child.pid!,
    storeDir,
    stop: () => stopChild(child),
    kill: () => killChild(child),
  };
}

function spawnInMemory(): ChildProcess {
  const script = `
    const { createHttpServer } = require(${JSON.stringify(require.resolve('@vercel/cosmosdb-server'))});
    const server = createHttpServer();
    server.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + server.address().port + '\\n'));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function spawnDurable(storeDir: string, o: z.infer<typeof CosmosOptions>): ChildProcess {
  const args = [
    '--import',
    pathToFileURL(require.resolve('tsx')).href,
    path.join(here, 'cosmos-journal', 'main.ts'),
    '--dir',
    storeDir,
    '--with-parent',
  ];
  if (o.port) args.push('--port', String(o.port));
  if (o.compactAtBytes) args.push('--compact-at-bytes', String(o.compactAtBytes));
  if (o.crashAt) args.push('--crash-at', o.crashAt);
  // stdin stays an open pipe: the server stops when it closes, so it never outlives this process holding the store.
  return spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let output = '';
    const onError = (c: Buffer) => (output += c.toString());
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening (\d+)/.exec(output);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.off('data', onError);
        // Once it serves, only an error is worth a line on the console (the journal could not be written).
        child.stderr?.on('data', (c: Buffer) => {
          for (const line of c.toString().split('\n'))
            if (line.startsWith('ERR-')) process.stderr.write(`Cosmos server: ${line}\n`);
        });
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onError);
    child.once('exit', (code) =>
      reject(new Error(`Cosmos server exited (code ${code}) before listening: ${output.slice(-2000).trim()}`)),
    );
  });
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
