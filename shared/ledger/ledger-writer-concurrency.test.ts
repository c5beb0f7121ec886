/**
 * The ledger writer under Azure's Service Bus delivery: the `ledger` subscription's messages run concurrently, and a
 * message whose lock runs out is delivered again while its first delivery still runs. Every event must end up in the
 * ledger once, with one receipt, and the chain must verify.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { recordPlantEvent } from './ledger-writer.js';
import { LocalAuditLedger } from './local-ledger.js';
import { verifyLocalLedger } from './verify-ledger.js';

const PLANT = 'plant-01';
const nodePrivateKey = createPrivateKey(readFileSync(new URL('./fixtures/node-key.pem', import.meta.url), 'utf8'));

const event = (i: number) =>
  cloudEvent(
    PlantEventType.optimizationCompleted,
    `L${i}`,
    { runId: `run-${i}`, lineId: `L${i}` },
    { id: `run-${i}/completed`, source: '/functions/optimizationRun', time: new Date(Date.UTC(2025, 2, 1, 11, 0, i)) },
  );

describe('ledger writer with concurrent and repeated deliveries (local ledger)', () => {
  it('records each event once when events arrive together and each is delivered twice at the same time', async () => {
    const lake = new MemoryLakeStore();
    const ledger = await LocalAuditLedger.open(lake, {
      collectionId: PLANT,
      nodePrivateKey,
      now: () => new Date('2025-03-01T12:00:00Z'),
    });
    const events = Array.from({ length: 12 }, (_, i) => event(i + 1));
    const deliveries = events.flatMap((e) => [e, e]);
    const results = await Promise.all(
      deliveries.map((e) => recordPlantEvent(e, { ledger, lake, collectionId: PLANT })),
    );
    expect(ledger.length).toBe(12);
    for (const [i] of events.entries()) {
      const pair = [results[2 * i]!, results[2 * i + 1]!];
      expect(pair.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(pair[0]!.transactionId).toBe(pair[1]!.transactionId);
    }
    const report = await verifyLocalLedger(lake, { collectionId: PLANT });
    expect(report).toMatchObject({ ok: true, checkedEntries: 12, headSeqNo: 12 });
  });
});
