import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhook-receiver/receiver.js';
import { AlertRecords } from '../../shared/alerts/alert-records.js';
import { PlantEventType } from '../../shared/messaging/subscriptions.js';
import { cosmosClient } from '../../shared/azure/clients.js';
import { CosmosAlertStore } from '../../shared/azure/cosmos-alert-stores.js';
import { startApiWorld, type ApiWorld } from '../../test/api/harness.js';
import { alertSweep } from './alert-sweep.js';
import { outboxSweep } from './outbox-sweep.js';

const DB = 'alert-sweep-test';
let world: ApiWorld;
let receiver: WebhookReceiver;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alert-sweep-'));
  [world, receiver] = await Promise.all([
    startApiWorld(DB),
    startWebhookReceiver({ file: path.join(dir, 'webhooks.jsonl') }),
  ]);
  world.withSettings({
    ALERT_CHANNELS: JSON.stringify([
      { kind: 'webhook', id: 'lead', url: `${receiver.url}/lead`, format: 'logic-apps' },
    ]),
    ALERT_ESCALATION_CHANNELS: 'lead',
  });
});
afterAll(async () => {
  await Promise.all([world?.stop(), receiver?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

describe('alert sweep timer', () => {
  it('escalates a failed-command alert left unacknowledged for 10 minutes when no event arrives, once, and the outbox sweep publishes what waited', async () => {
    const store = await CosmosAlertStore.create(
      cosmosClient({ COSMOS_ENDPOINT: world.cosmos.endpoint, COSMOS_KEY: world.cosmos.key }),
      DB,
      { createIfMissing: true },
    );
    const records = new AlertRecords({ store });
    const raise = (cellId: string, minutesAgo: number) =>
      records.raise({
        conditionKey: PlantEventType.commandFailed,
        scopeKey: cellId,
        eventType: PlantEventType.commandFailed,
        cellId,
        lineId: 'L1',
        title: `Command failed on ${cellId}`,
        severity: 'critical',
        channels: [],
        atMs: Date.now() - minutesAgo * 60_000,
      });
    const due = (await raise('L1-C001', 11)).alert;
    const acknowledged = (await raise('L1-C002', 30)).alert;
    const recent = (await raise('L1-C003', 2)).alert;
    await records.acknowledge(acknowledged.id, 'op-1', Date.now());

    const logged: string[] = [];
    const ctx = new InvocationContext({
      functionName: 'alertSweep',
      logHandler: (level, ...args) => logged.push(`${level}: ${args.map((a) => JSON.stringify(a)).join(' ')}`),
    });
    await alertSweep(timer, ctx);
    await alertSweep(timer, ctx);

    expect((await store.get(due.id))!.alert).toMatchObject({ state: 'active', escalatedAt: expect.any(String) });
    for (const a of [acknowledged, recent]) expect((await store.get(a.id))!.alert.escalatedAt).toBeUndefined();
    expect(
      receiver
        .received()
        .map((r) => [
          r.path,
          (r.body as { action: string; alertId: string }).action,
          (r.body as { alertId: string }).alertId,
        ]),
    ).toEqual([['/lead', 'escalated', due.id]]);
    // The raises above were made without a publisher, so they waited in the outbox. The escalation published its
    // alert's waiting raise first, then itself: one alert's history reaches the topic in order.
    const published = () => world.topic.published.map((e) => `${e.type.replace('smelter.alert.', '')} ${e.subject}`);
    expect(published()).toEqual(['raised L1-C001', 'escalated L1-C001']);
    expect(
      logged
        .filter((l) => l.startsWith('information: "alerts swept"'))
        .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { escalated: number }),
    ).toEqual([
      expect.objectContaining({ escalated: 1, notificationsSent: 1 }),
      expect.objectContaining({ escalated: 0 }),
    ]);

    // The outbox sweep publishes the other two alerts' three changes, oldest first (an alert's raise before its
    // acknowledgement), and then has nothing left.
    const sweepCtx = new InvocationContext({
      functionName: 'outboxSweep',
      logHandler: (level, ...args) => logged.push(`${level}: ${args.map((a) => JSON.stringify(a)).join(' ')}`),
    });
    await outboxSweep(timer, sweepCtx);
    await outboxSweep(timer, sweepCtx);
    const swept = published().slice(2);
    expect([...swept].sort()).toEqual(['acknowledged L1-C002', 'raised L1-C002', 'raised L1-C003']);
    expect(swept.indexOf('raised L1-C002')).toBeLessThan(swept.indexOf('acknowledged L1-C002'));
    expect(
      logged
        .filter((l) => l.startsWith('information: "outbox swept"'))
        .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { published: number }),
    ).toEqual([
      expect.objectContaining({ published: 3, notRemoved: 0, unreadable: [] }),
      expect.objectContaining({ published: 0 }),
    ]);
  });
});
