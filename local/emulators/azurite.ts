import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SnapshotCrashPoint } from './azurite-journal/loki-journal.js';

/** Azurite's well-known development account (public, documented by Microsoft; only valid against the emulator). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** A connection string usable by @azure/storage-blob and as AzureWebJobsStorage. */
  connectionString: string;
  /** The emulator's process id (fault tests kill it). */
  pid: number;
  /** The ports it listens on, to start it again on the same ones (clients keep their endpoints). */
  ports: AzuritePorts;
  stop(): Promise<void>;
  /** Kills the emulator as a crash would (SIGKILL); resolves once it has exited. */
  kill(): Promise<void>;
  /** Resolves when the process ends, however it ends (a supervisor watches it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Freezes the emulator (SIGSTOP): calls to it hang as over a stalled network, so a crash test can catch a writer mid-call. */
  pause(): void;
  /** Thaws a paused emulator (SIGCONT); the calls it held are answered. */
  resume(): void;
}

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export interface AzuriteOptions {
  /** Ports to listen on (0 or absent: any free port). */
  ports?: Partial<AzuritePorts>;
  /** Journal bytes past which the metadata is snapshotted (default 16 MiB; fault tests make it small). */
  compactAtBytes?: number;
  /** Fault tests only: the emulator kills itself (SIGKILL) at this point of its next metadata snapshot. */
  crashAt?: SnapshotCrashPoint;
}

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts Azurite (blob, queue, table) on loopback with its data under `location`, its blob and queue metadata
 * journalled so that every write it answers survives a SIGKILL (azurite-journal/).
 */
export async function startAzurite(location: string, options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  mkdirSync(location, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.compactAtBytes) env.AZURITE_JOURNAL_COMPACT_AT_BYTES = String(options.compactAtBytes);
  if (options.crashAt) env.AZURITE_JOURNAL_CRASH_AT = options.crashAt;
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      path.join(here, 'azurite-journal', 'main.ts'),
      '--blobPort',
      String(options.ports?.blob ?? 0),
      '--queuePort',
      String(options.ports?.queue ?? 0),
      '--tablePort',
      String(options.ports?.table ?? 0),
      '--location',
      location,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ports = await waitForPorts(child, ['Blob', 'Queue', 'Table']);
  const blobEndpoint = `http://127.0.0.1:${ports.Blob}/${AZURITE_ACCOUNT}`;
  const queueEndpoint = `http://127.0.0.1:${ports.Queue}/${AZURITE_ACCOUNT}`;
  const tableEndpoint = `http://127.0.0.1:${ports.Table}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    queueEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    pid: child.pid!,
    ports: { blob: ports.Blob!, queue: ports.Queue!, table: ports.Table! },
    exited,
    stop: () => {
      child.kill('SIGCONT');
      return stopChild(child);
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

function waitForPorts(child: ChildProcess, services: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const ports: Record<string, number> = {};
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const m of output.matchAll(/Azurite (\w+) service is successfully listening at http:\/\/[\d.]+:(\d+)/g)) {
        ports[m[1]!] = Number(m[2]);
      }
      if (services.every((s) => ports[s])) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.off('data', onError);
        // Once it serves, only the journal's own lines are worth the console (a restore, a write that failed).
        child.stderr?.on('data', (c: Buffer) => {
          for (const line of c.toString().split('\n'))
            if (line.startsWith('ERR-') || line.startsWith('azurite-journal:'))
              process.stderr.write(`Azurite: ${line}\n`);
        });
        resolve(ports);
      }
    };
    const onError = (c: Buffer) => (output += c.toString());
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onError);
    child.once('exit', (code) =>
      reject(new Error(`Azurite exited (code ${code}) before listening: ${output.slice(-500)}`)),
    );
  });
}

/** Stops a child process: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
