/**
 * Conformance: Service Bus topic triggers and timer triggers behave as Azure's Functions host runs them. Each test
 * names the Microsoft page that documents the behaviour. Time is a ManualClock, so lock expiry and retry waits are
 * stepped, not slept.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import type { InvocationEvent, MessageSettledEvent } from '../events.js';
import { waitFor } from '../testing.js';
import { ManualClock } from '../timer/clock.js';
import { settle } from './flush.js';
import { callsOf, concurrencyOf, openGate } from './probe.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'triggers-app');
const START_MS = Date.UTC(2030, 0, 1, 5, 0, 0);
const clock = new ManualClock(START_MS);
let tmp: string;
let dh: DevhostHandle;
const settled: MessageSettledEvent[] = [];
const invocations: InvocationEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-triggers-'));
  const state = path.join(tmp, 'state');
  // The schedule monitor says yesterday's 06:00 never ran (the host was down): the host runs it at start, past due.
  mkdirSync(path.join(state, 'timers'), { recursive: true });
  writeFileSync(
    path.join(state, 'timers', 'dailyTimer.json'),
    JSON.stringify({
      last: '2029-12-30T06:00:00.000Z',
      next: '2029-12-31T06:00:00.000Z',
      lastUpdated: '2029-12-30T06:00:00.000Z',
    }),
  );
  dh = await startDevhost({ appEntry: 'index.ts', appDir, dataDir: state, httpPort: 0, logLevel: 'none', clock });
  dh.events.on('messageSettled', (e) => settled.push(e));
  dh.events.on('invocation', (e) => invocations.push(e));
});

afterAll(async () => {
  for (const g of ['parallel', 'lock-1', 'lock-2']) openGate(g);
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Service Bus trigger', () => {
  // learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus#hostjson-settings:
  // maxConcurrentCalls defaults to 16 × the processors of the instance.
  it('runs up to 16 × processors messages of one function at once when host.json leaves maxConcurrentCalls out', async () => {
    const limit = 16 * os.availableParallelism();
    dh.serviceBus.send(
      'conf-parallel',
      Array.from({ length: limit + 5 }, (_, i) => ({ body: `m${i}`, messageId: `par-${i}` })),
    );
    await waitFor(
      `${limit} parallelConsumer invocations in flight`,
      () => concurrencyOf('parallelConsumer').now === limit,
      5000,
    );
    await settle();
    expect(concurrencyOf('parallelConsumer')).toEqual({ now: limit, max: limit });
    openGate('parallel');
    await waitFor(
      'every message completed',
      () =>
        settled.filter((s) => s.functionName === 'parallelConsumer' && s.outcome === 'completed').length === limit + 5,
    );
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus#hostjson-settings (maxAutoLockRenewalDuration)
  // and learn.microsoft.com/azure/service-bus-messaging/message-transfers-locks-settlement (peek-lock: a lock that
  // runs out makes the message available again, with the delivery count raised).
  it('renews the lock for at most maxAutoLockRenewalDuration, then delivers the message again while the first delivery still runs', async () => {
    const [receipt] = dh.serviceBus.send('conf-lock', [{ body: 'slow work', messageId: 'slow-1' }]);
    expect(receipt?.duplicate).toBe(false);
    await waitFor('the first delivery', () => callsOf('lockHolder').length === 1);
    const receivedMs = clock.now();
    // Lock 1 min (the default subscription's), renewed 10 s before it runs out until 2 min have passed: last
    // renewal at 1 min 40 s, so the lock holds until 2 min 40 s and no longer.
    clock.set(receivedMs + 159_000);
    await settle();
    expect(callsOf('lockHolder')).toHaveLength(1);
    clock.set(receivedMs + 161_000);
    await waitFor('the redelivery after the lock ran out', () => callsOf('lockHolder').length === 2, 5000);
    const [first, second] = callsOf('lockHolder');
    expect(second?.data).toMatchObject({ messageId: 'slow-1', deliveryCount: 2 });
    expect(second?.data.lockToken).not.toBe(first?.data.lockToken);
    expect(callsOf('lockHolderDone')).toHaveLength(0);

    openGate('lock-1');
    await waitFor('the first delivery settled', () =>
      settled.find((s) => s.messageId === 'slow-1' && s.deliveryCount === 1),
    );
    openGate('lock-2');
    await waitFor('the second delivery settled', () =>
      settled.find((s) => s.messageId === 'slow-1' && s.deliveryCount === 2),
    );
    expect(settled.filter((s) => s.messageId === 'slow-1').map((s) => [s.deliveryCount, s.outcome])).toEqual([
      [1, 'lockLost'],
      [2, 'completed'],
    ]);
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus-trigger#peeklock-behavior and
  // learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues#maximum-delivery-count
  it('abandons a failed message, raises its delivery count on each delivery and dead-letters it with MaxDeliveryCountExceeded', async () => {
    dh.serviceBus.send('conf-dlq', [{ body: 'poison', messageId: 'poison-1' }]);
    const dead = await waitFor('the message dead-lettered', () =>
      settled.find((s) => s.messageId === 'poison-1' && s.outcome === 'deadLettered'),
    );
    expect(dead).toMatchObject({ deliveryCount: 10, reason: 'MaxDeliveryCountExceeded' });
    expect(callsOf('alwaysFails').map((c) => c.data.deliveryCount)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(settled.filter((s) => s.messageId === 'poison-1').map((s) => s.outcome)).toEqual([
      ...Array(9).fill('abandoned'),
      'deadLettered',
    ]);
    expect(dh.serviceBus.topic('conf-dlq').deadLetters('work')).toMatchObject([
      { messageId: 'poison-1', deadLetterReason: 'MaxDeliveryCountExceeded', deliveryCount: 10 },
    ]);
  });

  // learn.microsoft.com/azure/service-bus-messaging/duplicate-detection: off unless the topic is created with it.
  it('delivers both copies of a message id on a topic created without duplicate detection', async () => {
    dh.serviceBus.send('conf-dupes', [{ body: 'first', messageId: 'same-id' }]);
    dh.serviceBus.send('conf-dupes', [{ body: 'second', messageId: 'same-id' }]);
    await waitFor('both copies', () => callsOf('noDuplicateDetection').length === 2);
    expect(
      callsOf('noDuplicateDetection')
        .map((c) => c.data.body)
        .sort(),
    ).toEqual(['first', 'second']);
  });
});

describe('Timer trigger', () => {
  // learn.microsoft.com/azure/azure-functions/functions-bindings-timer#usage (useMonitor, IsPastDue)
  it('runs a missed occurrence at start with isPastDue, then each occurrence of the NCRONTAB schedule on time', async () => {
    await waitFor('the past-due run', () => callsOf('dailyTimer').length === 1);
    expect(callsOf('dailyTimer')[0]?.data).toMatchObject({ isPastDue: true });
    clock.set(Date.UTC(2030, 0, 1, 5, 59, 59));
    await settle();
    expect(callsOf('dailyTimer')).toHaveLength(1);
    clock.set(Date.UTC(2030, 0, 1, 6, 0, 0));
    await waitFor('the 06:00 run', () => callsOf('dailyTimer').length === 2);
    expect(callsOf('dailyTimer')[1]?.data).toMatchObject({ isPastDue: false, next: '2030-01-02T06:00:00.000Z' });
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-error-pages#retries (timer triggers take a retry
  // policy; the function sees its RetryContext: retryCount from 0 and maxRetryCount).
  it('retries a failed run per its fixedDelay policy and passes the retry context', async () => {
    // The hourly occurrence at 06:00 ran with the previous test's clock step.
    await waitFor('the first attempt failed', () =>
      invocations.find((i) => i.functionName === 'retryingTimer' && !i.ok),
    );
    expect(callsOf('retryingTimer')[0]?.data).toMatchObject({ retryCount: 0, maxRetryCount: 2, isPastDue: false });
    clock.advanceBy(9_999);
    await settle();
    expect(callsOf('retryingTimer')).toHaveLength(1);
    clock.advanceBy(1);
    await waitFor('the first retry', () => invocations.filter((i) => i.functionName === 'retryingTimer').length === 2);
    clock.advanceBy(10_000);
    await waitFor('the second retry', () => invocations.filter((i) => i.functionName === 'retryingTimer').length === 3);
    expect(callsOf('retryingTimer').map((c) => [c.data.retryCount, c.data.maxRetryCount, c.data.exception])).toEqual([
      [0, 2, undefined],
      [1, 2, 'attempt 1 fails'],
      [2, 2, 'attempt 2 fails'],
    ]);
    expect(invocations.filter((i) => i.functionName === 'retryingTimer').map((i) => [i.ok, i.retryCount])).toEqual([
      [false, 0],
      [false, 1],
      [true, 2],
    ]);
    clock.advanceBy(60_000);
    await settle();
    expect(callsOf('retryingTimer')).toHaveLength(3);
  });
});
