import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../emulators/azurite.js';
import { startDevhost, type DevhostHandle } from './devhost.js';
import type { BatchAbandonedEvent, CheckpointEvent, InvocationEvent } from './events.js';
import { CHECKPOINT_CONTAINER, checkpointBlobName } from './eventhub/checkpoints.js';
import { partitionForKey } from './eventhub/partition-key.js';
import { readDeliveries, waitFor } from './testing.js';

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'app');
/** maxEventBatchSize in the fixture's host.json. */
const FIXTURE_MAX_BATCH = 5;

let tmp: string;
let azurite: AzuriteHandle;
let devhost: DevhostHandle;
const invocations: InvocationEvent[] = [];
const checkpoints: CheckpointEvent[] = [];
const abandoned: BatchAbandonedEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-test-'));
  azurite = await startAzurite(path.join(tmp, 'azurite'));
  devhost = await startDevhost({
    appEntry: 'index.ts',
    appDir: fixtureDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    settings: { AzureWebJobsStorage: azurite.connectionString, FIXTURE_HUB: 'telemetry' },
  });
  devhost.events.on('invocation', (e) => invocations.push(e));
  devhost.events.on('checkpoint', (e) => checkpoints.push(e));
  devhost.events.on('batchAbandoned', (e) => abandoned.push(e));
});

afterAll(async () => {
  await devhost?.stop();
  await azurite?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('devhost registrations', () => {
  it('lists every function the app registered through @azure/functions-core', () => {
    expect(devhost.functions).toEqual(
      expect.arrayContaining([
        { name: 'echoItem', triggerType: 'httpTrigger', served: true },
        { name: 'recordBatch', triggerType: 'eventHubTrigger', served: true },
        { name: 'flaky', triggerType: 'eventHubTrigger', served: true },
        { name: 'recordOtherGroup', triggerType: 'eventHubTrigger', served: true },
      ]),
    );
  });
});

describe('devhost HTTP triggers', () => {
  it('serves a route under the host.json routePrefix with params, query and a JSON body round-trip', async () => {
    const body = { points: [{ cellId: 'L1-C001', value: 4.21 }], note: 'ü' };
    const res = await fetch(`${devhost.httpUrl}/fixture-api/v1/items/42/bolt?from=2024-01-01`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fixture')).toBe('yes');
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ id: '42', name: 'bolt', query: { from: '2024-01-01' }, body });
  });

  it('answers unknown routes, constraint mismatches and wrong methods with the platform 404 body', async () => {
    for (const [method, url] of [
      ['GET', '/fixture-api/v1/items/not-a-number'],
      ['GET', '/elsewhere'],
      ['DELETE', '/fixture-api/v1/items/1'],
    ] as const) {
      const res = await fetch(`${devhost.httpUrl}${url}`, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'ERR-4042', details: [] });
    }
  });
});

describe('devhost local Event Hub', () => {
  it('delivers keyed events in order per partition, in batches of at most maxEventBatchSize, as Buffers', async () => {
    const keys = ['L1-C001', 'L1-C002', 'L1-C003', 'L2-C001', 'L2-C002', 'L3-LINE'];
    const sent = keys.flatMap((key) =>
      Array.from({ length: 12 }, (_, seq) => ({ body: JSON.stringify({ cellId: key, seq }), partitionKey: key })),
    );
    // Interleave keys so each partition receives several keys mixed, as a real stream would.
    const interleaved = Array.from({ length: 12 }, (_, seq) => keys.map((_k, i) => sent[i * 12 + seq]!)).flat();
    for (let i = 0; i < interleaved.length; i += 7) devhost.hub('telemetry').send(interleaved.slice(i, i + 7));

    const lastSeqByPartition = new Map(
      devhost
        .hub('telemetry')
        .stats()
        .perPartition.map((p) => [p.partitionId, p.lastSequenceNumber]),
    );
    await waitFor('checkpoints at the end of every non-empty partition', () =>
      [...lastSeqByPartition].every(
        ([pid, last]) =>
          last < 0 ||
          checkpoints.some(
            (c) => c.functionName === 'recordBatch' && c.partitionId === pid && c.sequenceNumber === last,
          ),
      ),
    );

    const deliveries = await readDeliveries(azurite.connectionString, 'recordBatch');
    expect(deliveries.every((d) => d.allBuffers)).toBe(true);
    expect(Math.max(...deliveries.map((d) => d.bodies.length))).toBe(FIXTURE_MAX_BATCH);
    for (const key of keys) {
      const pid = String(partitionForKey(key, 4));
      const seen = deliveries
        .filter((d) => d.partitionId === pid)
        .sort((a, b) => a.sequenceNumbers[0]! - b.sequenceNumbers[0]!)
        .flatMap((d) => d.bodies.map((b) => JSON.parse(b) as { cellId: string; seq: number }))
        .filter((p) => p.cellId === key)
        .map((p) => p.seq);
      expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i));
    }
    for (const d of deliveries) {
      expect(d.sequenceNumbers).toEqual(d.sequenceNumbers.map((_, i) => d.sequenceNumbers[0]! + i));
      expect(d.partitionKeys.every((k) => k !== null && String(partitionForKey(k, 4)) === d.partitionId)).toBe(true);
    }
  });

  it('keeps checkpoints in blob storage under the Functions layout with sequencenumber and offset metadata', async () => {
    const cp = await waitFor('a recordBatch checkpoint', () =>
      checkpoints.find((c) => c.functionName === 'recordBatch'),
    );
    const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(CHECKPOINT_CONTAINER)
      .getBlockBlobClient(checkpointBlobName('devhost.local', 'telemetry', 'fixture', cp.partitionId));
    expect(blob.name).toBe(`devhost.local/telemetry/fixture/checkpoint/${cp.partitionId}`);
    const metadata = (await blob.getProperties()).metadata ?? {};
    expect(Number(metadata.sequencenumber)).toBeGreaterThanOrEqual(cp.sequenceNumber);
    expect(metadata.offset).toMatch(/^\d+$/);
  });

  it('delivers every event of a hub to two functions on different consumer groups, each with its own checkpoints', async () => {
    const hub = devhost.hub('telemetry');
    const sent = hub.send(
      Array.from({ length: 40 }, (_, i) => ({ body: JSON.stringify({ groups: i }), partitionKey: `L9-C00${i % 7}` })),
    );
    const lastByPartition = new Map<string, number>();
    for (const r of sent)
      lastByPartition.set(r.partitionId, Math.max(lastByPartition.get(r.partitionId) ?? -1, r.sequenceNumber));
    const caughtUp = (fn: string) =>
      [...lastByPartition].every(([pid, last]) =>
        checkpoints.some((c) => c.functionName === fn && c.partitionId === pid && c.sequenceNumber >= last),
      );
    await waitFor(
      'both consumer groups checkpointed past the events',
      () => caughtUp('recordBatch') && caughtUp('recordOtherGroup'),
    );

    const seen = async (fn: string) =>
      (await readDeliveries(azurite.connectionString, fn))
        .flatMap((d) => d.bodies.map((b) => JSON.parse(b) as { groups?: number }))
        .flatMap((b) => (b.groups === undefined ? [] : [b.groups]))
        .sort((a, b) => a - b);
    const all = Array.from({ length: 40 }, (_, i) => i);
    expect(await seen('recordBatch')).toEqual(all);
    expect(await seen('recordOtherGroup')).toEqual(all);
    expect(
      new Set(checkpoints.filter((c) => c.functionName === 'recordOtherGroup').map((c) => c.consumerGroup)),
    ).toEqual(new Set(['fixture-other']));
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      CHECKPOINT_CONTAINER,
    );
    const [pid, last] = [...lastByPartition][0]!;
    for (const group of ['fixture', 'fixture-other']) {
      const metadata =
        (
          await container
            .getBlockBlobClient(checkpointBlobName('devhost.local', 'telemetry', group, pid))
            .getProperties()
        ).metadata ?? {};
      expect(Number(metadata.sequencenumber), group).toBeGreaterThanOrEqual(last);
    }
  });

  it('accepts events from other processes on POST /_devhost/eventhubs/{hub}/messages with its key, and rejects bad bodies', async () => {
    const key = { 'x-functions-key': devhost.keys.systemKey('eventhubs') };
    const events = JSON.stringify([{ body: '{"cellId":"L3-C009"}', partitionKey: 'L3-C009' }]);
    const attempts: Record<string, string>[] = [
      {},
      { 'x-functions-key': 'guessed' },
      { 'x-functions-key': devhost.keys.host },
    ];
    for (const headers of attempts) {
      const refused = await fetch(`${devhost.httpUrl}/_devhost/eventhubs/telemetry/messages`, {
        method: 'POST',
        headers,
        body: events,
      });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: 'ERR-4011' });
    }
    const ok = await fetch(`${devhost.httpUrl}/_devhost/eventhubs/telemetry/messages`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify([{ body: '{"cellId":"L3-C009"}', partitionKey: 'L3-C009', properties: { source: 'test' } }]),
    });
    expect(ok.status).toBe(202);
    const receipt = ((await ok.json()) as { receipts: { partitionId: string; sequenceNumber: number }[] }).receipts[0]!;
    expect(receipt.partitionId).toBe(String(partitionForKey('L3-C009', 4)));
    await waitFor('the posted event delivered', () =>
      invocations.some(
        (i) =>
          i.functionName === 'recordBatch' &&
          i.ok &&
          i.partitionId === receipt.partitionId &&
          checkpoints.some((c) => c.partitionId === receipt.partitionId && c.sequenceNumber >= receipt.sequenceNumber),
      ),
    );

    const bad = await fetch(`${devhost.httpUrl}/_devhost/eventhubs/telemetry/messages`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify([{ partitionKey: 'x' }]),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body.0.body' }] });
  });

  it('retries a failing batch by the fixedDelay policy and succeeds on the retry', async () => {
    const [receipt] = devhost.hub('flaky').send([{ body: 'fail-once', partitionKey: 'once' }]);
    const attempts = await waitFor('a successful retry', () => {
      const mine = invocations.filter((i) => i.functionName === 'flaky' && i.partitionId === receipt!.partitionId);
      return mine.some((i) => i.ok) ? mine : undefined;
    });
    expect(attempts.map((a) => [a.retryCount, a.ok])).toEqual([
      [0, false],
      [1, true],
    ]);
  });

  it('after maxRetryCount retries reports the batch abandoned, checkpoints past it and keeps the partition moving', async () => {
    const hub = devhost.hub('flaky');
    const [bad] = hub.send([{ body: 'fail-always', partitionKey: 'always' }]);
    const [next] = hub.send([{ body: 'fine', partitionKey: 'always' }]);
    const gaveUp = await waitFor('the abandoned batch', () =>
      abandoned.find((a) => a.partitionId === bad!.partitionId && a.firstSequenceNumber === bad!.sequenceNumber),
    );
    expect(gaveUp.attempts).toBe(3);
    await waitFor('checkpoint past the following event', () =>
      checkpoints.some(
        (c) =>
          c.functionName === 'flaky' && c.partitionId === next!.partitionId && c.sequenceNumber >= next!.sequenceNumber,
      ),
    );
  });
});
