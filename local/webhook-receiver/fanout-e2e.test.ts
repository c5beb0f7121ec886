import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { LEDGER_CONTAINER } from '../../shared/ledger/paths.js';
import { verifyLocalLedger } from '../../shared/ledger/verify-ledger.js';
import { cloudEvent, toServiceBusMessage, type PlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC, PlantEventType } from '../../shared/messaging/subscriptions.js';
import { startDevhost, type DevhostHandle } from '../devhost/devhost.js';
import type { MessageSettledEvent } from '../devhost/events.js';
import { waitFor } from '../devhost/testing.js';
import { startWebhookReceiver, type WebhookReceiver } from './receiver.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fanout-app');
const PLANT = 'plant-e2e';

let tmp: string;
let devhost: DevhostHandle;
let receiver: WebhookReceiver;
const settled: MessageSettledEvent[] = [];

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
      ALERT_CHANNELS: JSON.stringify([{ kind: 'webhook', id: 'teams-ops', url: `${receiver.url}/teams`, format: 'teams' }]),
      ALERT_OPERATIONS_CHANNELS: 'teams-ops',
    },
  });
  devhost.events.on('messageSettled', (e) => settled.push(e));
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

const completed = (messageId: string, functionName: string) => settled.some((s) => s.messageId === messageId && s.functionName === functionName && s.outcome === 'completed');

describe('fan-out consumers through the devhost topic', () => {
  it('audits a failed command once even when redelivered, alerts the webhook once, and archives the alert raise in the ledger only', async () => {
    const event = cloudEvent(PlantEventType.commandFailed, 'L1-C012', { commandId: 'cmd-77', reason: 'no PLC acknowledgement' }, { id: 'cmd-77/failed', source: '/functions/scada-dispatcher', time: '2025-03-01T10:00:00Z' });
    send(event);
    await waitFor('both consumers completed', () => completed(event.id, 'ledger-writer') && completed(event.id, 'alert-notifier'), 60_000);
    send(event, 'replayed-from-dlq');
    await waitFor('the replay completed', () => completed('replayed-from-dlq', 'ledger-writer') && completed('replayed-from-dlq', 'alert-notifier'), 60_000);
    // The notifier published smelter.alert.raised; the ledger archives it, the notifier never receives it.
    const raised = await waitFor('the alert raise audited', () => settled.find((s) => s.functionName === 'ledger-writer' && s.outcome === 'completed' && s.messageId !== event.id && s.messageId !== 'replayed-from-dlq'), 60_000);
    expect(settled.filter((s) => s.messageId === raised.messageId).map((s) => s.functionName)).toEqual(['ledger-writer']);

    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(process.env.LakeConnection!), [LEDGER_CONTAINER]);
    const report = await verifyLocalLedger(lake, { collectionId: PLANT });
    expect(report).toMatchObject({ ok: true, headSeqNo: 2, checkedEntries: 2, checkedReceipts: 2 });

    const received = readFileSync(receiver.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; body: { title: string } });
    expect(received).toHaveLength(1);
    expect(received[0]!.body.title).toContain('Set-point command failed on L1-C012');
  });
});
