import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; only valid against the emulator). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** A connection string usable by @azure/storage-blob and as AzureWebJobsStorage. */
  connectionString: string;
  stop(): Promise<void>;
  /** Freezes the emulator (SIGSTOP): calls to it hang as over a stalled network, so a crash test can catch a writer mid-call. */
  pause(): void;
  /** Thaws a paused emulator (SIGCONT); the calls it held are answered. */
  resume(): void;
}

const require = createRequire(import.meta.url);

/** Starts Azurite (blob, queue, table) on free loopback ports with its data under `location`. */
export async function startAzurite(location: string): Promise<AzuriteHandle> {
  mkdirSync(location, { recursive: true });
  const bin = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/azurite.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--blobPort',
      '0',
      '--queuePort',
      '0',
      '--tablePort',
      '0',
      '--location',
      location,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
    stop: () => {
      child.kill('SIGCONT');
      return stopChild(child);
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
        resolve(ports);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
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
