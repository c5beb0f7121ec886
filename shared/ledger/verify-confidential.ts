/**
 * Offline check of the Confidential Ledger receipts the adapter stored: each receipt verifies against the service
 * identity, and each entry's payload in the lake still matches its digest. (That the entry is the one the ledger
 * holds at the transaction needs the service: GET /app/transactions/{id}; the write-set digest cannot be rebuilt.)
 */
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { confidentialLedgerPaths, StoredConfidentialReceipt } from './confidential-store.js';
import { sha256 } from './merkle.js';
import { LEDGER_CONTAINER } from './paths.js';
import { verifyReceipt } from './receipt.js';

export interface ConfidentialReceiptsVerification {
  ok: boolean;
  checkedReceipts: number;
  firstBroken?: { entryId: string; transactionId?: string; path: string; field: string; reason: string };
}

/** Verifies every stored Confidential Ledger receipt of a collection; reports the first failure. */
export async function verifyConfidentialReceipts(
  store: LakeStore,
  options: { collectionId: string; container?: string },
): Promise<ConfidentialReceiptsVerification> {
  const container = options.container ?? LEDGER_CONTAINER;
  const c = options.collectionId;
  const result: ConfidentialReceiptsVerification = { ok: true, checkedReceipts: 0 };
  const files = await listAll(store, container, confidentialLedgerPaths.receiptsPrefix(c));
  if (files.length === 0) return result;
  const servicePem = await store.get(container, confidentialLedgerPaths.serviceIdentity(c));
  for (const file of files) {
    const entryId = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.json$/, '');
    const fail = (field: string, reason: string, transactionId?: string): ConfidentialReceiptsVerification => ({
      ...result,
      ok: false,
      firstBroken: { entryId, path: file.path, field, reason, ...(transactionId ? { transactionId } : {}) },
    });
    if (!servicePem)
      return fail('service-identity.pem', 'the service identity certificate is missing, so no receipt can be checked');
    const raw = await store.get(container, file.path);
    let stored: StoredConfidentialReceipt;
    try {
      stored = StoredConfidentialReceipt.parse(JSON.parse(Buffer.from(raw ?? []).toString('utf8')));
    } catch {
      return fail('receipt', 'stored receipt is unreadable');
    }
    const txId = stored.receipt.transactionId;
    if (stored.entry.entryId !== entryId) return fail('entry.entryId', 'does not match the file name', txId);
    const check = verifyReceipt(stored.receipt.receipt, {
      serviceCertificatePem: Buffer.from(servicePem).toString('utf8'),
    });
    if (!check.ok) return fail(`receipt.${check.field}`, check.reason, txId);
    const payload = await store.get(stored.entry.payloadRef.container, stored.entry.payloadRef.path);
    if (!payload) return fail('payloadRef', 'payload blob is missing', txId);
    if (sha256(payload).toString('hex') !== stored.entry.payloadDigest)
      return fail('payloadDigest', 'payload in the lake does not match the digest in the ledger entry', txId);
    result.checkedReceipts++;
  }
  return result;
}
