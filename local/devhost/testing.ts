import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { DELIVERY_CONTAINER, type DeliveryRecord } from './fixtures/deliveries.js';
import { readHostKeys, type HostKeys } from './keys.js';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every delivery the fixture app recorded for `functionName`, with the blob name it was stored under. */
export async function readDeliveries(connectionString: string, functionName: string): Promise<DeliveryRecord[]> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(DELIVERY_CONTAINER);
  if (!(await container.exists())) return [];
  const out: DeliveryRecord[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${functionName}/` })) {
    const buf = await container.getBlockBlobClient(blob.name).downloadToBuffer();
    out.push(JSON.parse(buf.toString('utf8')) as DeliveryRecord);
  }
  return out;
}

export interface DevhostChild {
  child: ChildProcess;
  url: string;
  /** Its keys (from `<dataDir>/keys.json`): the system keys its own endpoints take. */
  keys: HostKeys;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

/**
 * Runs local/devhost/main.ts as a separate process (so a test can SIGKILL it) with `app` loaded from `cwd`;
 * resolves once it prints DEVHOST_READY, rejects with its last output if it exits before.
 */
export async function spawnDevhostChild(opts: {
  cwd: string;
  app: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  args?: string[];
}): Promise<DevhostChild> {
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      main,
      '--app',
      opts.app,
      '--port',
      '0',
      '--data-dir',
      opts.dataDir,
      '--log-level',
      'error',
      ...(opts.args ?? []),
    ],
    {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /DEVHOST_READY (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`devhost exited (${code}) before it was ready:\n${out.slice(-2000)}`)),
    );
  });
  const keys = readHostKeys(opts.dataDir);
  if (!keys) throw new Error(`devhost at ${url} is ready but wrote no keys to ${opts.dataDir}/keys.json`);
  return { child, url, keys, output: () => out };
}
