import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudEvent, toServiceBusMessage } from '../../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC, PlantEventType } from '../../../shared/messaging/subscriptions.js';
import { stopChild } from '../../emulators/azurite.js';
import { readBusDeliveries, RECORD_DIR_SETTING } from '../fixtures/bus-app/records.js';
import { spawnDevhostChild, waitFor } from '../testing.js';
import { readHostKeys } from '../keys.js';
import { MAX_DELIVERY_REASON, type DeadLetteredMessage } from './local-topic.js';
import { LOCK_DURATION_OVERRIDE_SETTING } from './namespace.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = path.join(here, '..', 'fixtures', 'bus-app');

let tmp: string;
let records: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-sb-crash-'));
  records = path.join(tmp, 'records');
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the devhost with the bus fixture app as a separate process; resolves with its URL once it serves. */
async function startChild(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PLANT_TOPIC: PLANT_EVENTS_TOPIC,
    FIXTURE_OUT_TOPIC: 'fixture-out',
    [RECORD_DIR_SETTING]: records,
    [LOCK_DURATION_OVERRIDE_SETTING]: 'PT1S',
    ...extraEnv,
  };
  delete env.ServiceBusConnection;
  const started = await spawnDevhostChild({ cwd: fixtureDir, app: 'index.ts', dataDir: path.join(tmp, 'state'), env });
  children.push(started.child);
  return started;
}

/** The devhost's servicebus key, kept with its state (the same across restarts). */
const busKey = () => ({ 'x-functions-key': readHostKeys(path.join(tmp, 'state'))!.systemKey('servicebus') });

/** Sends one alerts-bound CloudEvent over the admin endpoint; resolves with its message id. */
async function send(url: string, key: string, data: Record<string, unknown>): Promise<string> {
  const m = toServiceBusMessage(
    cloudEvent(PlantEventType.anomalyDetected, 'L1-C001', data, {
      id: key,
      source: '/test/crash',
      time: '2024-05-01T00:00:00Z',
    }),
  );
  const res = await fetch(`${url}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}/messages`, {
    method: 'POST',
    headers: busKey(),
    body: JSON.stringify([{ ...m, body: JSON.stringify(m.body) }]),
  });
  expect(res.status).toBe(202);
  return m.messageId;
}

async function deadLetters(url: string): Promise<DeadLetteredMessage[]> {
  return (
    (await (
      await fetch(`${url}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}/subscriptions/alerts/deadletters`, {
        headers: busKey(),
      })
    ).json()) as { messages: DeadLetteredMessage[] }
  ).messages;
}

const deliveriesOf = (id: string) => readBusDeliveries(records, 'alertsConsumer').filter((d) => d.messageId === id);

describe('devhost Service Bus crash and restart', () => {
  it('after SIGKILL, queued and locked messages are delivered again (the locked one with delivery count +1) and the dead-letter queue is intact', async () => {
    const first = await startChild({ BUS_FIXTURE_HANG: '1' });
    const poisoned = await send(first.url, 'crash-poison', { fail: 'always' });
    await waitFor('the poisoned message dead-lettered', async () =>
      (await deadLetters(first.url)).some((d) => d.messageId === poisoned),
    );
    const parked = await send(first.url, 'crash-parked', { hang: true });
    const queued = await send(first.url, 'crash-queued', {});
    await waitFor('the parked delivery recorded', () => deliveriesOf(parked).length === 1);
    expect(deliveriesOf(queued)).toHaveLength(0);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = await startChild({});
    await waitFor('the queued message delivered once', () => deliveriesOf(queued).length === 1);
    await waitFor('the parked message redelivered after its lock ran out', () => deliveriesOf(parked).length === 2);
    expect(deliveriesOf(parked).map((d) => d.deliveryCount)).toEqual([1, 2]);
    expect(deliveriesOf(queued)[0]!.deliveryCount).toBe(1);
    const [dead] = await deadLetters(second.url);
    expect(dead).toMatchObject({ messageId: poisoned, deadLetterReason: MAX_DELIVERY_REASON });

    const exitCode = new Promise((resolve) => second.child.once('exit', (code) => resolve(code)));
    second.child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
  });
});
