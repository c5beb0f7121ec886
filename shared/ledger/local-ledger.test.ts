import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { entryIdFor } from './entry.js';
import { recordPlantEvent } from './ledger-writer.js';
import { LocalAuditLedger } from './local-ledger.js';
import { LEDGER_CONTAINER, ledgerPaths } from './paths.js';
import { verifyReceipt } from './receipt.js';
import { verifyLocalLedger } from './verify-ledger.js';

const PLANT = 'plant-01';
// A fixed key keeps the tests from generating one per case (and exercises the P-384 curve CCF nodes use).
const nodePrivateKey = createPrivateKey(readFileSync(new URL('./fixtures/node-key.pem', import.meta.url), 'utf8'));
const fixedNow = () => new Date('2025-03-01T12:00:00Z');

function commandEvent(i: number): PlantEvent {
  return cloudEvent(
    PlantEventType.setpointRecommended,
    `L1-C${String(i).padStart(3, '0')}`,
    { commandId: `cmd-${i}`, cellId: `L1-C${String(i).padStart(3, '0')}`, acdCm: 4.2 + i / 100, state: 'proposed' },
    {
      id: `run-7/${i}`,
      source: '/functions/optimizationRun',
      time: new Date(Date.UTC(2025, 2, 1, 11, 0, i)),
      correlationId: 'run-7',
    },
  );
}

async function ledgerWith(n: number) {
  const lake = new MemoryLakeStore();
  const ledger = await LocalAuditLedger.open(lake, { collectionId: PLANT, nodePrivateKey, now: fixedNow });
  const events = Array.from({ length: n }, (_, i) => commandEvent(i + 1));
  for (const e of events) await recordPlantEvent(e, { ledger, lake, collectionId: PLANT });
  return { lake, ledger, events };
}

async function edit(lake: MemoryLakeStore, path: string, change: (v: Record<string, unknown>) => void) {
  const value = JSON.parse(Buffer.from((await lake.get(LEDGER_CONTAINER, path))!).toString('utf8')) as Record<
    string,
    unknown
  >;
  change(value);
  await lake.put(LEDGER_CONTAINER, path, Buffer.from(JSON.stringify(value)));
}

describe('local audit ledger', () => {
  it('proves an untouched chain, its payloads and receipts intact', async () => {
    const { lake } = await ledgerWith(9);
    const report = await verifyLocalLedger(lake, { collectionId: PLANT });
    expect(report).toMatchObject({ ok: true, checkedEntries: 9, checkedReceipts: 9, checkedPayloads: 9, headSeqNo: 9 });
  });

  it('detects one tampered stored entry and names it', async () => {
    const { lake, events } = await ledgerWith(6);
    await edit(lake, ledgerPaths.entry(PLANT, 4), (r) => {
      ((r.entry as Record<string, unknown>).summary as Record<string, unknown>).state = 'approved';
    });
    const report = await verifyLocalLedger(lake, { collectionId: PLANT });
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seqNo: 4, entryId: entryIdFor(events[3]!.id), field: 'entryHash' });
    expect(report.checkedEntries).toBe(3);
  });

  it('detects a record rewritten with a fresh hash through the chain and the receipt', async () => {
    const { lake } = await ledgerWith(5);
    const { entryHashOf } = await import('./chain.js');
    await edit(lake, ledgerPaths.entry(PLANT, 2), (r) => {
      (r.entry as Record<string, unknown>).subject = 'L9-C999';
      r.entryHash = entryHashOf(r as never);
    });
    const report = await verifyLocalLedger(lake, { collectionId: PLANT });
    expect(report.firstBroken).toMatchObject({ seqNo: 2, field: 'receipt.leafComponents.writeSetDigest' });
  });

  it('detects a payload changed in the lake and a deleted record', async () => {
    const { lake, events } = await ledgerWith(4);
    const entry = JSON.parse(
      Buffer.from((await lake.get(LEDGER_CONTAINER, ledgerPaths.entry(PLANT, 3)))!).toString('utf8'),
    );
    await lake.put(entry.entry.payloadRef.container, entry.entry.payloadRef.path, Buffer.from('{"forged":true}'));
    expect((await verifyLocalLedger(lake, { collectionId: PLANT })).firstBroken).toMatchObject({
      seqNo: 3,
      entryId: entryIdFor(events[2]!.id),
      field: 'payloadDigest',
    });
    await lake.delete(LEDGER_CONTAINER, ledgerPaths.entry(PLANT, 2));
    expect((await verifyLocalLedger(lake, { collectionId: PLANT })).firstBroken).toMatchObject({
      seqNo: 2,
      field: 'record',
      reason: 'record is missing',
    });
  });

  it('verifies from a later record, anchored on the one before it', async () => {
    const { lake } = await ledgerWith(7);
    const report = await verifyLocalLedger(lake, { collectionId: PLANT, fromSeqNo: 5 });
    expect(report).toMatchObject({ ok: true, checkedEntries: 3, checkedReceipts: 3 });
  });

  it('never creates a second entry for a redelivered event', async () => {
    const { lake, ledger, events } = await ledgerWith(3);
    const again = await recordPlantEvent(events[1]!, { ledger, lake, collectionId: PLANT });
    expect(again).toMatchObject({ duplicate: true, transactionId: '1.2', entryId: entryIdFor(events[1]!.id) });
    // A fresh process (a redelivery after a restart) sees the same.
    const reopened = await LocalAuditLedger.open(lake, { collectionId: PLANT, nodePrivateKey, now: fixedNow });
    expect((await recordPlantEvent(events[2]!, { ledger: reopened, lake, collectionId: PLANT })).duplicate).toBe(true);
    expect(reopened.length).toBe(3);
    const concurrent = await Promise.all(
      [commandEvent(9), commandEvent(9), commandEvent(9)].map((e) =>
        recordPlantEvent(e, { ledger: reopened, lake, collectionId: PLANT }),
      ),
    );
    expect(concurrent.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(reopened.length).toBe(4);
    expect((await verifyLocalLedger(lake, { collectionId: PLANT })).ok).toBe(true);
  });

  it('rolls forward a record written before a crash left the head behind', async () => {
    const { lake, ledger, events } = await ledgerWith(3);
    const savedHead = await lake.get(LEDGER_CONTAINER, ledgerPaths.head(PLANT));
    await recordPlantEvent(commandEvent(4), { ledger, lake, collectionId: PLANT });
    // Simulate the crash: the head and the index of record 4 were never written.
    await lake.put(LEDGER_CONTAINER, ledgerPaths.head(PLANT), savedHead!);
    await lake.delete(LEDGER_CONTAINER, ledgerPaths.entryIndex(PLANT, entryIdFor(commandEvent(4).id)));
    expect((await verifyLocalLedger(lake, { collectionId: PLANT })).firstBroken).toMatchObject({
      seqNo: 4,
      field: 'head',
    });
    const reopened = await LocalAuditLedger.open(lake, { collectionId: PLANT, nodePrivateKey, now: fixedNow });
    expect(reopened.length).toBe(4);
    expect((await recordPlantEvent(commandEvent(4), { ledger: reopened, lake, collectionId: PLANT })).duplicate).toBe(
      true,
    );
    expect((await verifyLocalLedger(lake, { collectionId: PLANT })).ok).toBe(true);
    expect(events).toHaveLength(3);
  });

  it('does not report a live append (record written, head not yet) as tampering once the head has moved on', async () => {
    const { lake, ledger } = await ledgerWith(3);
    const verifying = verifyLocalLedger(lake, { collectionId: PLANT });
    await recordPlantEvent(commandEvent(4), { ledger, lake, collectionId: PLANT });
    expect((await verifying).ok).toBe(true);
  });

  it('issues receipts the shared verifier accepts with the ledger node key', async () => {
    const { ledger, events } = await ledgerWith(5);
    const receipt = await ledger.receipt(entryIdFor(events[2]!.id));
    expect(receipt?.transactionId).toBe('1.3');
    expect(verifyReceipt(receipt!.receipt, { expectedNodeKeyPem: ledger.nodePublicKeyPem }).ok).toBe(true);
    expect(await ledger.receipt('le-00000000000000000000000000000000')).toBeUndefined();
  });
});
