/**
 * Proves a local ledger intact: every record parses, chains to the one before, hashes to its stored hash, has the
 * entry id its event id gives, matches its payload in the lake, and has a receipt whose leaf is the record's,
 * whose proof folds to the root of the tree over the chain, and whose signature is the node's.
 */
import type { LakeStore } from '../lake/lake-store.js';
import { ChainHead, ChainRecord, entryHashOf, GENESIS_HASH, leafComponentsOf } from './chain.js';
import { entryIdFor } from './entry.js';
import { leafOf, MerkleFrontier, sha256 } from './merkle.js';
import { LEDGER_CONTAINER, ledgerPaths } from './paths.js';
import { TransactionReceipt, verifyReceipt } from './receipt.js';

export interface BrokenEntry {
  seqNo: number;
  entryId?: string;
  /** Blob that failed the check. */
  path: string;
  field: string;
  reason: string;
}

export interface LedgerVerification {
  ok: boolean;
  collectionId: string;
  /** Records checked (from `fromSeqNo` to the head). */
  checkedEntries: number;
  checkedReceipts: number;
  checkedPayloads: number;
  headSeqNo: number;
  firstBroken?: BrokenEntry;
}

export interface VerifyLedgerOptions {
  collectionId: string;
  container?: string;
  /** First record to check (1 by default). From a later record the chain is anchored on the record before it. */
  fromSeqNo?: number;
  /** Also re-hash every payload in the lake against its digest (default true). */
  checkPayloads?: boolean;
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** Walks the chain and reports the first broken record, if any; never throws on tampered content. */
export async function verifyLocalLedger(store: LakeStore, options: VerifyLedgerOptions): Promise<LedgerVerification> {
  const container = options.container ?? LEDGER_CONTAINER;
  const c = options.collectionId;
  const from = Math.max(1, options.fromSeqNo ?? 1);
  const checkPayloads = options.checkPayloads ?? true;
  const result: LedgerVerification = {
    ok: true,
    collectionId: c,
    checkedEntries: 0,
    checkedReceipts: 0,
    checkedPayloads: 0,
    headSeqNo: 0,
  };
  const broken = (b: BrokenEntry): LedgerVerification => ({ ...result, ok: false, firstBroken: b });

  const headRaw = await store.get(container, ledgerPaths.head(c));
  const head = headRaw
    ? safeParse(() => ChainHead.parse(JSON.parse(text(headRaw))))
    : { seqNo: 0, entryHash: GENESIS_HASH, frontier: MerkleFrontier.empty().toJSON() };
  if (!head) return broken({ seqNo: 0, path: ledgerPaths.head(c), field: 'head', reason: 'head.json is unreadable' });
  result.headSeqNo = head.seqNo;
  const keyRaw = await store.get(container, ledgerPaths.nodePublicKey(c));
  const nodeKeyPem = keyRaw ? text(keyRaw) : undefined;

  // The Merkle tree needs every leaf from the first record; from a later record each receipt is checked alone.
  const frontier = from === 1 ? MerkleFrontier.empty() : undefined;
  let prevHash = GENESIS_HASH;
  if (from > 1) {
    const anchor = await readRecord(store, container, c, from - 1);
    if (!anchor.record)
      return broken({ seqNo: from - 1, path: ledgerPaths.entry(c, from - 1), field: 'record', reason: anchor.reason });
    prevHash = anchor.record.entryHash;
  }
  for (let seqNo = from; seqNo <= head.seqNo; seqNo++) {
    const path = ledgerPaths.entry(c, seqNo);
    const read = await readRecord(store, container, c, seqNo);
    if (!read.record) return broken({ seqNo, path, field: 'record', reason: read.reason });
    const r = read.record;
    const entryId = r.entry.entryId;
    if (r.seqNo !== seqNo) return broken({ seqNo, entryId, path, field: 'seqNo', reason: `record says ${r.seqNo}` });
    if (r.prevHash !== prevHash)
      return broken({ seqNo, entryId, path, field: 'prevHash', reason: 'does not chain to the record before it' });
    if (entryHashOf(r) !== r.entryHash)
      return broken({
        seqNo,
        entryId,
        path,
        field: 'entryHash',
        reason: 'the record content does not hash to its stored hash (edited after it was written)',
      });
    if (entryIdFor(r.entry.eventId) !== entryId)
      return broken({ seqNo, entryId, path, field: 'entry.entryId', reason: 'is not the id its event id gives' });
    result.checkedEntries++;

    if (checkPayloads) {
      const payload = await store.get(r.entry.payloadRef.container, r.entry.payloadRef.path);
      if (!payload)
        return broken({
          seqNo,
          entryId,
          path: r.entry.payloadRef.path,
          field: 'payloadRef',
          reason: 'payload blob is missing',
        });
      if (sha256(payload).toString('hex') !== r.entry.payloadDigest)
        return broken({
          seqNo,
          entryId,
          path: r.entry.payloadRef.path,
          field: 'payloadDigest',
          reason: 'payload in the lake does not match the digest the ledger holds',
        });
      result.checkedPayloads++;
    }

    const leafComponents = leafComponentsOf(r);
    frontier?.append(leafOf(leafComponents));
    const receiptPath = ledgerPaths.receipt(c, seqNo);
    const receiptRaw = await store.get(container, receiptPath);
    if (!receiptRaw)
      return broken({ seqNo, entryId, path: receiptPath, field: 'receipt', reason: 'receipt is missing' });
    const receipt = safeParse(() => TransactionReceipt.parse(JSON.parse(text(receiptRaw))));
    if (!receipt)
      return broken({ seqNo, entryId, path: receiptPath, field: 'receipt', reason: 'receipt is unreadable' });
    const check = verifyReceipt(receipt.receipt, {
      expectedLeaf: leafComponents,
      ...(nodeKeyPem ? { expectedNodeKeyPem: nodeKeyPem } : {}),
    });
    if (!check.ok)
      return broken({ seqNo, entryId, path: receiptPath, field: `receipt.${check.field}`, reason: check.reason });
    if (frontier && check.rootHex !== frontier.root().toString('hex')) {
      return broken({
        seqNo,
        entryId,
        path: receiptPath,
        field: 'receipt.proof',
        reason: 'root is not the root of the tree over the chain up to this record',
      });
    }
    result.checkedReceipts++;
    prevHash = r.entryHash;
  }
  if (head.seqNo > 0 && prevHash !== head.entryHash && from <= head.seqNo) {
    return broken({
      seqNo: head.seqNo,
      path: ledgerPaths.head(c),
      field: 'head.entryHash',
      reason: 'head does not name the last record',
    });
  }
  // A record beyond the head was appended without updating the head, or planted: either way not proven — unless the
  // head has moved on meanwhile (a live append between our reads), which a later run will check.
  if (
    (await store.get(container, ledgerPaths.entry(c, head.seqNo + 1))) &&
    !(await headMovedPast(store, container, c, head.seqNo))
  ) {
    return broken({
      seqNo: head.seqNo + 1,
      path: ledgerPaths.entry(c, head.seqNo + 1),
      field: 'head',
      reason: 'a record lies beyond the head (open the ledger once to roll it forward, or investigate)',
    });
  }
  return result;
}

async function headMovedPast(store: LakeStore, container: string, c: string, seqNo: number): Promise<boolean> {
  const raw = await store.get(container, ledgerPaths.head(c));
  const head = raw ? safeParse(() => ChainHead.parse(JSON.parse(text(raw)))) : undefined;
  return head !== undefined && head.seqNo > seqNo;
}

async function readRecord(
  store: LakeStore,
  container: string,
  c: string,
  seqNo: number,
): Promise<{ record?: ChainRecord; reason: string }> {
  const raw = await store.get(container, ledgerPaths.entry(c, seqNo));
  if (!raw) return { reason: 'record is missing' };
  const record = safeParse(() => ChainRecord.parse(JSON.parse(text(raw))));
  return record ? { record, reason: '' } : { reason: 'record is unreadable or not a ledger record' };
}

function safeParse<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
