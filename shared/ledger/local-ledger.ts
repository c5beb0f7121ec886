/**
 * The local audit ledger: append-only records in blob storage, chained by hash, each with a CCF-shaped receipt
 * (Merkle proof + node signature over the root), so the same verifier checks it and Confidential Ledger receipts.
 * One writer per collection: appends in this process are serialised; the devhost runs one app process.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { LakeStore } from '../lake/lake-store.js';
import type { AppendResult, AuditLedger } from './audit-ledger.js';
import { ChainHead, ChainRecord, entryHashOf, GENESIS_HASH, leafComponentsOf, transactionIdOf } from './chain.js';
import { signPrehashed } from './ecdsa-prehashed.js';
import { parseLedgerEntry, type LedgerEntry } from './entry.js';
import { LedgerError } from './errors.js';
import { leafOf, MerkleFrontier, sha256 } from './merkle.js';
import { LEDGER_CONTAINER, ledgerPaths } from './paths.js';
import { TransactionReceipt } from './receipt.js';

export interface LocalLedgerOptions {
  collectionId: string;
  container?: string;
  /** The node signing key; by default one is made on first use and kept with the ledger (a local stand-in only). */
  nodePrivateKey?: KeyObject;
  /** Time of recording; injectable so tests and benchmarks are reproducible. */
  now?: () => Date;
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
const JSON_TYPE = { contentType: 'application/json' };

export class LocalAuditLedger implements AuditLedger {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly nodeId: string;

  private constructor(
    private readonly store: LakeStore,
    private readonly container: string,
    private readonly collectionId: string,
    private readonly nodeKey: KeyObject,
    private readonly publicKeyPem: string,
    private head: ChainHead,
    private readonly now: () => Date,
  ) {
    this.nodeId = sha256(createPublicKey(nodeKey).export({ type: 'spki', format: 'der' })).toString('hex');
  }

  /** Opens (or starts) the ledger of a collection and rolls forward any records written after the last saved head. */
  static async open(store: LakeStore, options: LocalLedgerOptions): Promise<LocalAuditLedger> {
    const container = options.container ?? LEDGER_CONTAINER;
    const c = options.collectionId;
    const nodeKey = options.nodePrivateKey ?? (await loadOrCreateNodeKey(store, container, c));
    const publicKeyPem = createPublicKey(nodeKey).export({ type: 'spki', format: 'pem' }).toString();
    if (!(await store.get(container, ledgerPaths.nodePublicKey(c))))
      await store.put(container, ledgerPaths.nodePublicKey(c), Buffer.from(publicKeyPem), {
        contentType: 'application/x-pem-file',
      });
    const savedHead = await store.get(container, ledgerPaths.head(c));
    const head: ChainHead = savedHead
      ? ChainHead.parse(JSON.parse(Buffer.from(savedHead).toString('utf8')))
      : { seqNo: 0, entryHash: GENESIS_HASH, frontier: MerkleFrontier.empty().toJSON() };
    const ledger = new LocalAuditLedger(
      store,
      container,
      c,
      nodeKey,
      publicKeyPem,
      head,
      options.now ?? (() => new Date()),
    );
    ledger.head = await ledger.rollForward();
    return ledger;
  }

  /** The PEM the receipts' `cert` carries: what `verify` checks signatures against. */
  get nodePublicKeyPem(): string {
    return this.publicKeyPem;
  }

  /** Number of records in the chain. */
  get length(): number {
    return this.head.seqNo;
  }

  append(entry: LedgerEntry): Promise<AppendResult> {
    const run = this.queue.then(() => this.appendNow(parseLedgerEntry(entry)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async receipt(entryId: string): Promise<TransactionReceipt | undefined> {
    const seqNo = await this.seqNoOf(entryId);
    if (seqNo === undefined) return undefined;
    const raw = await this.store.get(this.container, ledgerPaths.receipt(this.collectionId, seqNo));
    return raw ? TransactionReceipt.parse(JSON.parse(Buffer.from(raw).toString('utf8'))) : undefined;
  }

  private async seqNoOf(entryId: string): Promise<number | undefined> {
    const raw = await this.store.get(this.container, ledgerPaths.entryIndex(this.collectionId, entryId));
    if (!raw) return undefined;
    return (JSON.parse(Buffer.from(raw).toString('utf8')) as { seqNo: number }).seqNo;
  }

  private async appendNow(entry: LedgerEntry): Promise<AppendResult> {
    const known = await this.seqNoOf(entry.entryId);
    if (known !== undefined) return { entryId: entry.entryId, transactionId: transactionIdOf(known), duplicate: true };
    const c = this.collectionId;
    const seqNo = this.head.seqNo + 1;
    const base = { seqNo, prevHash: this.head.entryHash, recordedAt: this.now().toISOString(), entry };
    const record: ChainRecord = { ...base, entryHash: entryHashOf(base) };
    const { receipt, head } = this.seal(record, this.head);
    // Order matters for crash safety: the record first (rollForward rebuilds the rest from it), the index last.
    try {
      await this.store.put(this.container, ledgerPaths.entry(c, seqNo), json(record), JSON_TYPE);
      await this.store.put(this.container, ledgerPaths.receipt(c, seqNo), json(receipt), JSON_TYPE);
      await this.store.put(this.container, ledgerPaths.head(c), json(head), JSON_TYPE);
      await this.store.put(this.container, ledgerPaths.entryIndex(c, entry.entryId), json({ seqNo }), JSON_TYPE);
      this.head = head;
    } catch (e) {
      throw new LedgerError(
        'ERR-LEDGER-STORAGE',
        `could not write ledger record ${seqNo} of ${c}: ${(e as Error).message}; the message will be retried`,
        'store',
      );
    }
    return { entryId: entry.entryId, transactionId: receipt.transactionId, duplicate: false };
  }

  /** The receipt of a record appended after `previous`, and the head that follows it. */
  private seal(record: ChainRecord, previous: ChainHead): { receipt: TransactionReceipt; head: ChainHead } {
    const frontier = MerkleFrontier.fromJSON(previous.frontier);
    const leafComponents = leafComponentsOf(record);
    const proof = frontier.append(leafOf(leafComponents));
    const root = frontier.root();
    const receipt: TransactionReceipt = {
      transactionId: transactionIdOf(record.seqNo),
      state: 'Ready',
      receipt: {
        cert: this.publicKeyPem,
        leafComponents,
        nodeId: this.nodeId,
        proof,
        root: root.toString('hex'),
        signature: Buffer.from(signPrehashed(this.nodeKey, root)).toString('base64'),
      },
    };
    return { receipt, head: { seqNo: record.seqNo, entryHash: record.entryHash, frontier: frontier.toJSON() } };
  }

  /** Records past the saved head (a crash between writes) are taken into the head, their receipt and index rewritten. */
  private async rollForward(): Promise<ChainHead> {
    let head = this.head;
    const c = this.collectionId;
    for (;;) {
      const raw = await this.store.get(this.container, ledgerPaths.entry(c, head.seqNo + 1));
      if (!raw) return head;
      const record = ChainRecord.parse(JSON.parse(Buffer.from(raw).toString('utf8')));
      const sealed = this.seal(record, head);
      head = sealed.head;
      await this.store.put(this.container, ledgerPaths.receipt(c, record.seqNo), json(sealed.receipt), JSON_TYPE);
      await this.store.put(this.container, ledgerPaths.head(c), json(head), JSON_TYPE);
      await this.store.put(
        this.container,
        ledgerPaths.entryIndex(c, record.entry.entryId),
        json({ seqNo: record.seqNo }),
        JSON_TYPE,
      );
    }
  }
}

async function loadOrCreateNodeKey(store: LakeStore, container: string, collectionId: string): Promise<KeyObject> {
  const path = ledgerPaths.nodePrivateKey(collectionId);
  const raw = await store.get(container, path);
  if (raw) return createPrivateKey(Buffer.from(raw).toString('utf8'));
  // P-256 as CCF nodes default to secp384r1 but the verifier takes both; the smaller curve signs faster locally.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await store.put(container, path, Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), {
    contentType: 'application/x-pem-file',
  });
  return privateKey;
}
