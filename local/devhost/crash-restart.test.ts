import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, stopChild, type AzuriteHandle } from '../emulators/azurite.js';
import { CHECKPOINT_CONTAINER, checkpointBlobName } from './eventhub/checkpoints.js';
import { partitionForKey } from './eventhub/partition-key.js';
import { readDeliveries, spawnDevhostChild, waitFor } from './testing.js';
import { readHostKeys } from './keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = path.join(here, 'fixtures', 'app');
const KEY = 'L1-C001';
const PARTITION = String(partitionForKey(KEY, 4));

let tmp: string;
let azurite: AzuriteHandle;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-crash-'));
  azurite = await startAzurite(path.join(tmp, 'azurite'));
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  await azurite?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the devhost with the fixture app as a separate process; resolves with its URL once it is ready. */
async function startChild(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const started = await spawnDevhostChild({
    cwd: fixtureDir,
    app: 'index.ts',
    dataDir: path.join(tmp, 'state'),
    env: { ...process.env, AzureWebJobsStorage: azurite.connectionString, FIXTURE_HUB: 'telemetry', ...extraEnv },
  });
  children.push(started.child);
  return started;
}

async function post(url: string, bodies: string[]): Promise<void> {
  const res = await fetch(`${url}/_devhost/eventhubs/telemetry/messages`, {
    method: 'POST',
    // The devhost's eventhubs key, kept with its state (the same across restarts).
    headers: { 'x-functions-key': readHostKeys(path.join(tmp, 'state'))!.systemKey('eventhubs') },
    body: JSON.stringify(bodies.map((body) => ({ body, partitionKey: KEY }))),
  });
  expect(res.status).toBe(202);
}

async function checkpointSeq(): Promise<number | undefined> {
  const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
    .getContainerClient(CHECKPOINT_CONTAINER)
    .getBlockBlobClient(checkpointBlobName('devhost.local', 'telemetry', 'fixture', PARTITION));
  if (!(await blob.exists())) return undefined;
  return Number((await blob.getProperties()).metadata?.sequencenumber);
}

const bodiesFor = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => (from + i === 15 ? 'hang-here' : `e${from + i}`));

describe('devhost crash and restart', () => {
  it('after SIGKILL mid-batch, a restarted devhost redelivers from the last checkpoint and loses nothing', async () => {
    const first = await startChild({ FIXTURE_HANG_ON: 'hang-here' });
    await post(first.url, bodiesFor(0, 9));
    await waitFor('checkpoint at sequence 9', async () => (await checkpointSeq()) === 9);

    // One send: batches 10–14 and 15–19 (maxEventBatchSize 5); the handler parks inside 15–19.
    await post(first.url, bodiesFor(10, 19));
    await waitFor('the parked batch recorded', async () =>
      (await readDeliveries(azurite.connectionString, 'recordBatch')).some((d) => d.sequenceNumbers[0] === 15),
    );
    expect(await checkpointSeq()).toBe(14);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = await startChild({});
    await post(second.url, ['e20', 'e21']);
    await waitFor('checkpoint at sequence 21', async () => (await checkpointSeq()) === 21);

    const deliveries = await readDeliveries(azurite.connectionString, 'recordBatch');
    const timesDelivered = new Map<number, number>();
    for (const d of deliveries)
      for (const s of d.sequenceNumbers) timesDelivered.set(s, (timesDelivered.get(s) ?? 0) + 1);
    for (let s = 0; s <= 21; s++) expect(timesDelivered.get(s), `sequence ${s}`).toBe(s >= 15 && s <= 19 ? 2 : 1);
    const redelivered = deliveries.filter((d) => d.sequenceNumbers[0] === 15);
    expect(new Set(redelivered.map((d) => d.invocationId)).size).toBe(2);
    expect(redelivered[0]?.bodies).toEqual(bodiesFor(15, 19));

    const exitCode = new Promise((resolve) => second.child.once('exit', (code) => resolve(code)));
    second.child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
  });
});
