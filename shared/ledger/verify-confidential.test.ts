import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import { canonicalJson } from './canonical-json.js';
import { confidentialLedgerPaths } from './confidential-store.js';
import { entryForEvent } from './ledger-writer.js';
import { LEDGER_CONTAINER } from './paths.js';
import { confidentialLedgerReceipt, otherServiceCertPem, serviceCertPem } from './test-support.js';
import { verifyConfidentialReceipts } from './verify-confidential.js';

const PLANT = 'plant-01';

async function storedReceipt(servicePem: string) {
  const lake = new MemoryLakeStore();
  const event = cloudEvent(
    'smelter.override.changed',
    'L1-C007',
    { cellId: 'L1-C007', mode: 'manual' },
    { id: 'ovr-1', source: '/api/overrides', time: '2025-03-01T10:00:00Z' },
  );
  const payload = Buffer.from(canonicalJson(event));
  await lake.put('gold', 'audit/payloads/x.json', payload);
  const entry = entryForEvent(event, PLANT, payload, { container: 'gold', path: 'audit/payloads/x.json' });
  const path = confidentialLedgerPaths.receipt(PLANT, entry.entryId);
  await lake.put(
    LEDGER_CONTAINER,
    path,
    Buffer.from(
      JSON.stringify({
        entry,
        receipt: { transactionId: '2.5', state: 'Ready', receipt: confidentialLedgerReceipt() },
      }),
    ),
  );
  await lake.put(LEDGER_CONTAINER, confidentialLedgerPaths.serviceIdentity(PLANT), Buffer.from(servicePem));
  return { lake, entry };
}

describe('stored Confidential Ledger receipts', () => {
  it('verify against the stored service identity and the lake payload', async () => {
    const { lake } = await storedReceipt(serviceCertPem);
    expect(await verifyConfidentialReceipts(lake, { collectionId: PLANT })).toEqual({ ok: true, checkedReceipts: 1 });
  });

  it('fail, naming the entry and transaction, when the service did not endorse the node or the payload changed', async () => {
    const other = await storedReceipt(otherServiceCertPem);
    expect((await verifyConfidentialReceipts(other.lake, { collectionId: PLANT })).firstBroken).toMatchObject({
      entryId: other.entry.entryId,
      transactionId: '2.5',
      field: 'receipt.cert',
    });
    const { lake, entry } = await storedReceipt(serviceCertPem);
    await lake.put('gold', 'audit/payloads/x.json', Buffer.from('{}'));
    expect((await verifyConfidentialReceipts(lake, { collectionId: PLANT })).firstBroken).toMatchObject({
      entryId: entry.entryId,
      field: 'payloadDigest',
    });
  });
});
