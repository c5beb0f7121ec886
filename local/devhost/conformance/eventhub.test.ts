/**
 * Conformance: Event Hub triggers behave as Azure's Functions host (Event Hubs extension 5.x) runs them: batch
 * limits and the minimum batch with its wait, cardinality one, the retry policy, checkpoints after success and
 * after a failure, and where a new consumer starts. Each test names the Microsoft page or source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import { DevhostEvents, type BatchAbandonedEvent, type CheckpointEvent } from '../events.js';
import { LocalEventHubNamespace } from '../eventhub/local-hub.js';
import { waitFor } from '../testing.js';
import { ManualClock } from '../timer/clock.js';
import { settle } from './flush.js';
import { callsOf, concurrencyOf, openGate } from './probe.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'eventhub-app');
const clock = new ManualClock(Date.UTC(2030, 0, 1, 5, 0, 0));
let tmp: string;
let dh: DevhostHandle;
const checkpoints: CheckpointEvent[] = [];
const abandoned: BatchAbandonedEvent[] = [];
const KEY = 'L1-C001';

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-eh-'));
  const state = path.join(tmp, 'state');
  // A hub that already holds events when the host starts for the first time (no checkpoint yet).
  const before = new LocalEventHubNamespace(path.join(state, 'eventhubs'), 4, new DevhostEvents());
  before
    .hub('conf-old')
    .send(Array.from({ length: 4 }, (_, i) => ({ body: JSON.stringify({ old: i }), partitionKey: KEY })));
  before.close();
  dh = await startDevhost({
    appEntry: 'index.ts',
    appDir,
    dataDir: state,
    httpPort: 0,
    logLevel: 'none',
    clock,
    startAzurite: true,
  });
  dh.events.on('checkpoint', (e) => checkpoints.push(e));
  dh.events.on('batchAbandoned', (e) => abandoned.push(e));
});

afterAll(async () => {
  openGate('one');
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const send = (hub: string, bodies: unknown[]) =>
  dh.hub(hub).send(bodies.map((b) => ({ body: JSON.stringify(b), partitionKey: KEY })));

describe('Event Hub trigger', () => {
  // Azure/azure-sdk-for-net, Microsoft.Azure.WebJobs.Extensions.EventHubs, Listeners/EventHubListener.cs: with
  // cardinality one the listener starts one invocation per event of the batch it received and awaits them together
  // ("Drain the whole batch before taking more work"), then checkpoints.
  it('runs the events of a received batch concurrently with cardinality one, then checkpoints after all of them', async () => {
    const receipts = send(
      'conf-one',
      [1, 2, 3, 4, 5, 6].map((n) => ({ n })),
    );
    await waitFor('six invocations in flight at once', () => concurrencyOf('eachEvent').now === 6, 5000);
    expect(checkpoints.filter((c) => c.functionName === 'eachEvent')).toHaveLength(0);
    openGate('one');
    const last = receipts[receipts.length - 1]!;
    await waitFor('the checkpoint after the batch', () =>
      checkpoints.find((c) => c.functionName === 'eachEvent' && c.sequenceNumber === last.sequenceNumber),
    );
    expect(
      callsOf('eachEvent')
        .map((c) => (c.data.event as { n: number }).n)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs#hostjson-settings: maxEventBatchSize,
  // minEventBatchSize ("a partial batch is dispatched when a full batch can't be prepared before maxWaitTime").
  it('dispatches at most maxEventBatchSize events, and a batch below minEventBatchSize only after maxWaitTime', async () => {
    // The consumer starts its maxWaitTime when it has read a short batch; on a busy machine that takes more than a
    // few ticks, so the clock moves only once its timer is set.
    const timersBefore = clock.pendingTimers;
    send('conf-many', [{ a: 1 }, { a: 2 }, { a: 3 }]);
    await waitFor('the short batch to wait for more', () => clock.pendingTimers > timersBefore);
    await settle();
    clock.advanceBy(29_999);
    await settle();
    expect(callsOf('batches')).toHaveLength(0);
    clock.advanceBy(1);
    await waitFor('the partial batch', () => callsOf('batches').length === 1, 5000);
    expect(callsOf('batches')[0]?.data.events).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);

    const timersBeforeFull = clock.pendingTimers;
    send(
      'conf-many',
      Array.from({ length: 10 }, (_, i) => ({ b: i })),
    );
    await waitFor('a full batch at once', () => callsOf('batches').length === 2);
    expect(callsOf('batches')[1]?.data.events).toHaveLength(8);
    await waitFor('the remaining two to wait for more', () => clock.pendingTimers > timersBeforeFull);
    await settle();
    expect(callsOf('batches')).toHaveLength(2);
    clock.advanceBy(30_000);
    await waitFor('the remaining two after the wait', () => callsOf('batches').length === 3);
    expect(callsOf('batches')[2]?.data.events).toEqual([{ b: 8 }, { b: 9 }]);
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-error-pages#retries and
  // learn.microsoft.com/azure/azure-functions/functions-reliable-event-processing: the batch is retried per the
  // policy; when the retries are exhausted the host checkpoints past it; a successful batch is checkpointed.
  it('retries a failing batch per its policy with the retry context, checkpoints past it when the policy is exhausted, and checkpoints a good batch', async () => {
    const bad = send('conf-retry', [{ fail: true }, { n: 1 }, { n: 2 }, { n: 3 }]);
    await waitFor('the first attempt', () => callsOf('retried').length === 1);
    for (const expected of [2, 3]) {
      await settle();
      clock.advanceBy(5_000);
      await waitFor(`attempt ${expected}`, () => callsOf('retried').length === expected);
    }
    expect(callsOf('retried').map((c) => [c.data.retryCount, c.data.maxRetryCount])).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    const lastBad = bad[bad.length - 1]!.sequenceNumber;
    await waitFor('the abandoned batch reported', () => abandoned.find((a) => a.functionName === 'retried'));
    expect(abandoned.find((a) => a.functionName === 'retried')).toMatchObject({
      attempts: 3,
      firstSequenceNumber: bad[0]!.sequenceNumber,
      lastSequenceNumber: lastBad,
    });
    await waitFor('the checkpoint past the failed batch', () =>
      checkpoints.find((c) => c.functionName === 'retried' && c.sequenceNumber === lastBad),
    );

    const good = send('conf-retry', [{ n: 4 }, { n: 5 }, { n: 6 }, { n: 7 }]);
    const lastGood = good[good.length - 1]!.sequenceNumber;
    await waitFor('the checkpoint after the good batch', () =>
      checkpoints.find((c) => c.functionName === 'retried' && c.sequenceNumber === lastGood),
    );
    expect(callsOf('retried')).toHaveLength(4);
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs#hostjson-settings (initialOffsetOptions:
  // where a consumer without a checkpoint starts; fromEnd skips what the hub already held).
  it('starts a consumer without a checkpoint at the end of the stream with initialOffsetOptions fromEnd', async () => {
    send('conf-old', [{ fresh: 1 }, { fresh: 2 }, { fresh: 3 }, { fresh: 4 }]);
    await waitFor('the new events', () => callsOf('fromEnd').length === 1);
    await settle();
    expect(callsOf('fromEnd').flatMap((c) => c.data.events as unknown[])).toEqual([
      { fresh: 1 },
      { fresh: 2 },
      { fresh: 3 },
      { fresh: 4 },
    ]);
  });
});
