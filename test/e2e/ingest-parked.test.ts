/**
 * Nothing is lost after retries (DESIGN §5): the real ingest function under the app's host.json and retry policy, in
 * the devhost with Azurite and the Cosmos-compatible server. The lake refuses (403, a firewall or a lost role) for
 * longer than the trigger's whole retry budget; each batch that fails its last attempt must be parked with its raw
 * events, partition, range and last error before the host checkpoints past it, and counted. The lake then comes
 * back, more telemetry flows, and `npm run lake -- parked replay` (the real command, in its own process) brings the
 * parked batches in: every valid point reaches silver or quarantine (lost 0), none twice, and a second replay does
 * nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRecorder } from '../../local/console/run-recorder.js';
import { readRunFromLake } from '../../local/console/score-run.js';
import { startDevhost, type DevhostHandle } from '../../local/devhost/devhost.js';
import type { BatchAbandonedEvent, CheckpointEvent, InvocationEvent } from '../../local/devhost/events.js';
import type { SendReceipt } from '../../local/devhost/eventhub/local-hub.js';
import { waitFor } from '../../local/devhost/testing.js';
import { ManualClock } from '../../local/devhost/timer/clock.js';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { scoreCleansing } from '../../local/score/cleansing-score.js';
import { virtualClock } from '../../local/simulator/clock.js';
import { createPotline } from '../../local/simulator/potline.js';
import { runSimulator } from '../../local/simulator/runner.js';
import { memorySink } from '../../local/simulator/sinks/memory-sink.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { collectMetrics } from '../../shared/azure/telemetry-setup.js';
import { METRICS } from '../../shared/observability/metric-catalogue.js';
import { listParked, PARKED_CONTAINER, readParked } from '../../shared/telemetry/parked-batches.js';
import { exampleSettings, repoRoot } from './support.js';
import { startStorageGate, type StorageGate } from './storage-gate.js';

const START_MS = Date.UTC(2026, 10, 22, 6, 0, 0);
const HUB = 'telemetry';

let tmp: string;
let azurite: AzuriteHandle;
let cosmos: CosmosHandle;
let gate: StorageGate;
let dh: DevhostHandle | undefined;
const clock = new ManualClock(Date.UTC(2030, 0, 1, 5, 0, 0));
const checkpoints: CheckpointEvent[] = [];
const abandoned: BatchAbandonedEvent[] = [];
const invocations: InvocationEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ingest-parked-'));
  [azurite, cosmos] = await Promise.all([startAzurite(path.join(tmp, 'azurite')), startCosmos()]);
  gate = await startStorageGate({ blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString });
});

afterAll(async () => {
  await dh?.stop();
  await gate?.stop();
  await Promise.all([azurite?.stop(), cosmos?.stop()]);
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs `npm run lake -- parked <args>` as a user would, against the test's emulators. */
function parkedCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli/lake.ts', 'parked', ...args], {
      cwd: repoRoot,
      env: {
        ...process.env,
        LakeConnection: gate.connectionString,
        AzureWebJobsStorage: azurite.connectionString,
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_KEY: cosmos.key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The last sequence number sent to each partition. */
function lastPerPartition(receipts: readonly SendReceipt[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of receipts) out.set(r.partitionId, Math.max(out.get(r.partitionId) ?? -1, r.sequenceNumber));
  return out;
}

const checkpointedUpTo = (last: Map<string, number>) =>
  [...last].every(([p, seq]) =>
    checkpoints.some((c) => c.functionName === 'telemetryIngest' && c.partitionId === p && c.sequenceNumber >= seq),
  );

/** The cumulative sum of a counter of the catalogue in this process, over every attribute set. */
async function counterSum(name: string): Promise<number> {
  const rm = await collectMetrics();
  let sum = 0;
  for (const sm of rm?.scopeMetrics ?? [])
    for (const m of sm.metrics) if (m.descriptor.name === name) for (const d of m.dataPoints) sum += d.value as number;
  return sum;
}

describe('a telemetry batch whose retries run out', () => {
  it('is parked before the checkpoint passes it, counted, and replayed into silver exactly once', async () => {
    const testStartMs = Date.now();
    const sink = memorySink();
    const potline = createPotline({ lines: 1, cellsPerLine: 12, seed: 11, startMs: START_MS });
    const sim = runSimulator({
      potline,
      sink,
      ratePerMin: 6000,
      durationS: 90,
      clock: virtualClock(START_MS),
      faults: { malformed_json: 0.01, duplicate: 0.01 },
    });
    await sim.done;
    const labels = sim.labels.labels();
    const recorder = new RunRecorder();
    recorder.noteSent(sink.events);
    const third = Math.floor(sink.events.length / 3);
    expect(third).toBeGreaterThan(300);

    dh = await startDevhost({
      appEntry: 'test/e2e/fixtures/ingest-app.ts',
      appDir: repoRoot,
      dataDir: path.join(tmp, 'devhost'),
      httpPort: 0,
      logLevel: 'none',
      clock,
      settings: {
        ...exampleSettings(),
        AzureWebJobsStorage: azurite.connectionString,
        LakeConnection: gate.connectionString,
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_KEY: cosmos.key,
        TELEMETRY_HUB: HUB,
      },
    });
    dh.events.on('checkpoint', (e) => checkpoints.push(e));
    dh.events.on('batchAbandoned', (e) => abandoned.push(e));
    dh.events.on('invocation', (e) => invocations.push(e));
    const hub = dh.hub(HUB);

    // 1. The lake is up: the first third goes through.
    const first = lastPerPartition(hub.send(sink.events.slice(0, third)));
    await waitFor('the first third checkpointed', () => checkpointedUpTo(first), 60_000);

    // 2. The lake refuses for longer than the retry budget (5 retries, 2 s doubling: 62 s of waits on the host's
    // clock, moved a minute at a time here).
    gate.close(true);
    const second = lastPerPartition(hub.send(sink.events.slice(third, 2 * third)));
    await waitFor(
      'the refused batches past their retries and checkpointed',
      () => {
        clock.advanceBy(60_000);
        return checkpointedUpTo(second);
      },
      60_000,
    );
    expect(gate.refused()).toBeGreaterThan(0);
    expect(abandoned, 'no batch is abandoned: each was parked on its last attempt').toEqual([]);
    const failed = invocations.filter((i) => i.functionName === 'telemetryIngest' && !i.ok);
    expect(Math.max(...failed.map((i) => i.retryCount))).toBe(4);

    const hostStorage = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString), [
      PARKED_CONTAINER,
    ]);
    const parked = await listParked(hostStorage);
    expect(parked.length).toBeGreaterThan(0);
    expect(new Set(parked.map((p) => p.partition))).toEqual(new Set(second.keys()));
    for (const p of parked) {
      expect(p.attempts).toBe(6);
      expect(p.lastError).toMatch(/AuthorizationFailure|not authorized/);
      expect(p.replayedAt).toBeUndefined();
      // Every checkpoint at or past the parked range came after the batch was parked (the park is awaited first).
      expect(second.get(p.partition)).toBeGreaterThanOrEqual(p.lastSeq);
    }
    const parkedEvents = (await Promise.all(parked.map((p) => readParked(hostStorage, p.path)))).flatMap(
      (b) => b.events,
    );
    expect(parkedEvents).toHaveLength(third);
    expect(await counterSum(METRICS.ingestParked.name)).toBe(parked.length);
    expect(await counterSum(METRICS.ingestParkFailures.name)).toBe(0);

    // 3. The lake is back; telemetry flows on.
    gate.close(false);
    const rest = lastPerPartition(hub.send(sink.events.slice(2 * third)));
    await waitFor('the last third checkpointed', () => checkpointedUpTo(rest), 60_000);

    // 4. The operator replays what was parked, twice: the second finds nothing to do.
    const listed = await parkedCli(['ls']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`${parked.length} parked batch(es), ${parked.length} waiting for replay`);
    const replay = await parkedCli(['replay']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout.trim().split('\n').at(-1)!)).toMatchObject({ replayed: parked.length });
    const again = await parkedCli(['replay']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ replayed: 0 });
    expect((await listParked(hostStorage)).every((p) => p.replayedAt)).toBe(true);

    // 5. Scored against the simulator's labels: every valid point in silver or quarantine, none twice.
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString));
    const { silver, quarantine } = await readRunFromLake(lake, {
      eventsFromMs: START_MS,
      enqueuedFromMs: testStartMs,
      untilMs: START_MS + 86_400_000,
    });
    const score = scoreCleansing(labels, silver, quarantine, recorder.sentKeys);
    expect(score.validPointsSent).toBe(recorder.sentKeys.size);
    expect([score.lost, score.duplicatedInSilver]).toEqual([0, 0]);
  }, 180_000);
});
