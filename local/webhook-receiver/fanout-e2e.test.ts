import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertRule } from '../../shared/alerts/rule.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { cosmosClient } from '../../shared/azure/clients.js';
import { CosmosAlertRuleStore, CosmosAlertStore } from '../../shared/azure/cosmos-alert-stores.js';
import { LEDGER_CONTAINER } from '../../shared/ledger/paths.js';
import { verifyLocalLedger } from '../../shared/ledger/verify-ledger.js';
import { cloudEvent, toServiceBusMessage, type PlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC, PlantEventType } from '../../shared/messaging/subscriptions.js';
import { startDevhost, type DevhostHandle } from '../devhost/devhost.js';
import type { BatchAbandonedEvent, InvocationEvent, MessageSettledEvent } from '../devhost/events.js';
import { waitFor } from '../devhost/testing.js';
import { startWebhookReceiver, type WebhookReceiver } from './receiver.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fanout-app');
const PLANT = 'plant-e2e';

let tmp: string;
let devhost: DevhostHandle;
let receiver: WebhookReceiver;
const settled: MessageSettledEvent[] = [];
const invocations: InvocationEvent[] = [];
const abandoned: BatchAbandonedEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fanout-e2e-'));
  receiver = await startWebhookReceiver({ file: path.join(tmp, 'webhooks.jsonl') });
  devhost = await startDevhost({
    appEntry: 'index.ts',
    appDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    startAzurite: true,
    startCosmos: true,
    settings: {
      PLANT_ID: PLANT,
      ALERT_CHANNELS: JSON.stringify([
        { kind: 'webhook', id: 'teams-ops', url: `${receiver.url}/teams`, format: 'teams' },
      ]),
      ALERT_OPERATIONS_CHANNELS: 'teams-ops',
      ALERT_RULES_REFRESH_S: '1',
      TELEMETRY_HUB: 'telemetry',
      TELEMETRY_ALERTS_CONSUMER_GROUP: 'alerts',
      COSMOS_DATABASE: 'fanout-e2e',
    },
  });
  devhost.events.on('messageSettled', (e) => settled.push(e));
  devhost.events.on('invocation', (e) => invocations.push(e));
  devhost.events.on('batchAbandoned', (e) => abandoned.push(e));
}, 120_000);

afterAll(async () => {
  await devhost?.stop();
  await receiver?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Sends an event as every publisher does; `messageId` overrides the id, as a replay from a dead-letter queue would. */
function send(event: PlantEvent, messageId = event.id): void {
  const m = toServiceBusMessage(event);
  devhost.serviceBus.send(PLANT_EVENTS_TOPIC, [{ ...m, body: JSON.stringify(m.body), messageId }]);
}

const completed = (messageId: string, functionName: string) =>
  settled.some((s) => s.messageId === messageId && s.functionName === functionName && s.outcome === 'completed');

describe('fan-out consumers through the devhost topic', () => {
  it('audits a failed command once even when redelivered, alerts the webhook once, and archives the alert raise in the ledger only', async () => {
    const event = cloudEvent(
      PlantEventType.commandFailed,
      'L1-C012',
      { commandId: 'cmd-77', reason: 'no PLC acknowledgement' },
      { id: 'cmd-77/failed', source: '/functions/scada-dispatcher', time: '2025-03-01T10:00:00Z' },
    );
    send(event);
    await waitFor(
      'both consumers completed',
      () => completed(event.id, 'ledgerWriter') && completed(event.id, 'alertNotifier'),
      60_000,
    );
    send(event, 'replayed-from-dlq');
    await waitFor(
      'the replay completed',
      () => completed('replayed-from-dlq', 'ledgerWriter') && completed('replayed-from-dlq', 'alertNotifier'),
      60_000,
    );
    // The notifier published smelter.alert.raised; the ledger archives it, the notifier never receives it.
    const raised = await waitFor(
      'the alert raise audited',
      () =>
        settled.find(
          (s) =>
            s.functionName === 'ledgerWriter' &&
            s.outcome === 'completed' &&
            s.messageId !== event.id &&
            s.messageId !== 'replayed-from-dlq',
        ),
      60_000,
    );
    expect(settled.filter((s) => s.messageId === raised.messageId).map((s) => s.functionName)).toEqual([
      'ledgerWriter',
    ]);

    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(process.env.LakeConnection!), [
      LEDGER_CONTAINER,
    ]);
    const report = await verifyLocalLedger(lake, { collectionId: PLANT });
    expect(report).toMatchObject({ ok: true, headSeqNo: 2, checkedEntries: 2, checkedReceipts: 2 });

    const received = readFileSync(receiver.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; body: { title: string } });
    expect(received).toHaveLength(1);
    expect(received[0]!.body.title).toContain('Set-point command failed on L1-C012');
  });

  it('judges telemetry on its own consumer group: a rule stored in Cosmos raises one alert and notifies once, malformed bodies are skipped', async () => {
    const client = cosmosClient({ COSMOS_ENDPOINT: process.env.COSMOS_ENDPOINT, COSMOS_KEY: process.env.COSMOS_KEY });
    const rules = await CosmosAlertRuleStore.create(client, 'fanout-e2e', { createIfMissing: true });
    const rule = parseAlertRule({
      id: 'e2e-bath-hot',
      name: 'Bath hot',
      scope: { tag: 'bathTemp', cellId: 'L2-C003' },
      condition: { kind: 'above', raise: 975, clear: 965 },
      severity: 'warning',
      channels: ['teams-ops'],
    });
    await rules.create(rule, { subject: 'eng-1', clientId: 'e2e', correlationId: 'e2e' }, Date.now(), () => []);
    const t0 = Date.now();
    const point = (i: number, value: number) =>
      JSON.stringify({
        lineId: 'L2',
        cellId: 'L2-C003',
        tag: 'bathTemp',
        ts: t0 + i * 1000,
        value,
        unit: 'C',
        quality: 'good',
      });
    const hub = devhost.hub('telemetry');
    hub.send([
      { body: '{"lineId": "L2", "cellId"', partitionKey: 'L2-C003' },
      { body: '', partitionKey: 'L2-C003' },
    ]);
    hub.send([980, 981, 982, 983].map((v, i) => ({ body: point(i, v), partitionKey: 'L2-C003' })));

    const store = await CosmosAlertStore.create(client, 'fanout-e2e', { createIfMissing: true });
    const open = await waitFor(
      'the rule alert raised in Cosmos',
      async () => (await store.open()).find((a) => a.ruleId === rule.id),
      60_000,
    );
    expect(open).toMatchObject({ ruleId: 'e2e-bath-hot', cellId: 'L2-C003', state: 'active', generation: 1 });
    const notified = await waitFor(
      'the webhook notified',
      () => {
        const lines = readFileSync(receiver.file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { body: { title: string } });
        const mine = lines.filter((l) => l.body.title.includes('Bath hot'));
        return mine.length > 0 ? mine : undefined;
      },
      30_000,
    );
    expect(notified).toHaveLength(1);
    // The alert is stored and notified before the invocation that raised it ends and is reported.
    const runs = await waitFor(
      'the telemetry alert consumer reported',
      () => {
        const done = invocations.filter((i) => i.functionName === 'telemetryAlerts');
        return done.length > 0 ? done : undefined;
      },
      30_000,
    );
    expect(runs.every((i) => i.ok)).toBe(true);
    expect(abandoned).toEqual([]);
  });
});
