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

/** Most entries committed as one group (each group writes twice as many blobs at once). */
const MAX_GROUP = 64;

interface PendingAppend {
  entry: LedgerEntry;
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

export class LocalAuditLedger implements AuditLedger {
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  /** Set when a group failed part-way: what it wrote is taken into the chain (rolled forward) before the next one. */
  private mustRollForward = false;
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

  /**
   * Appends are committed in groups: every append that arrives while a group is being written waits for the next
   * group, and a group costs the same few storage round trips however many entries it holds (its records and
   * receipts at once, then the head, then the entry indices at once). One entry at a time cost five round trips in
   * turn each, which on Azurite under load kept the ledger subscription at well under one append a second.
   */
  append(entry: LedgerEntry): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      let parsed: LedgerEntry;
      try {
        parsed = parseLedgerEntry(entry);
      } catch (e) {
        reject(e as Error);
        return;
      }
      this.pending.push({ entry: parsed, resolve, reject });
      this.flushing ??= this.flush();
    });
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

  /** Writes groups of pending appends, one group at a time, until none is left. */
  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, MAX_GROUP);
        // A throw it did not expect (signing, say) fails that group's appends, never leaves them waiting.
        await this.appendGroup(group).catch((e: unknown) => {
          this.mustRollForward = true;
          for (const p of group) p.reject(e as Error);
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async appendGroup(group: PendingAppend[]): Promise<void> {
    const c = this.collectionId;
    let known: (number | undefined)[];
    try {
      if (this.mustRollForward) {
        this.head = await this.rollForward();
        this.mustRollForward = false;
      }
      known = await Promise.all(group.map((p) => this.seqNoOf(p.entry.entryId)));
    } catch (e) {
      for (const p of group) p.reject(e as Error);
      return;
    }
    // New entries get the next sequence numbers in arrival order; a second delivery of one in the same group, or
    // of one already in the ledger, is answered as a duplicate of it.
    const fresh: { p: PendingAppend; record: ChainRecord; receipt: TransactionReceipt }[] = [];
    const sameGroup: { p: PendingAppend; first: PendingAppend }[] = [];
    const firstOf = new Map<string, PendingAppend>();
    let head = this.head;
    for (const [i, p] of group.entries()) {
      const seqNo = known[i];
      if (seqNo !== undefined) {
        p.resolve({ entryId: p.entry.entryId, transactionId: transactionIdOf(seqNo), duplicate: true });
        continue;
      }
      const first = firstOf.get(p.entry.entryId);
      if (first) {
        sameGroup.push({ p, first });
        continue;
      }
      firstOf.set(p.entry.entryId, p);
      const base = {
        seqNo: head.seqNo + 1,
        prevHash: head.entryHash,
        recordedAt: this.now().toISOString(),
        entry: p.entry,
      };
      const record: ChainRecord = { ...base, entryHash: entryHashOf(base) };
      const sealed = this.seal(record, head);
      head = sealed.head;
      fresh.push({ p, record, receipt: sealed.receipt });
    }
    if (fresh.length === 0) return;
    // Order matters for crash safety: the records first (rollForward rebuilds the rest from them), the indices last.
    try {
      await Promise.all(
        fresh.flatMap(({ record, receipt }) => [
          this.store.put(this.container, ledgerPaths.entry(c, record.seqNo), json(record), JSON_TYPE),
          this.store.put(this.container, ledgerPaths.receipt(c, record.seqNo), json(receipt), JSON_TYPE),
        ]),
      );
      await this.store.put(this.container, ledgerPaths.head(c), json(head), JSON_TYPE);
      await Promise.all(
        fresh.map(({ p, record }) =>
          this.store.put(
            this.container,
            ledgerPaths.entryIndex(c, p.entry.entryId),
            json({ seqNo: record.seqNo }),
            JSON_TYPE,
          ),
        ),
      );
      this.head = head;
    } catch (e) {
      // Some of the group may be written: the next group first takes every record that chains into the head
      // (with its receipt and index), so a redelivered entry finds itself instead of being appended twice.
      this.mustRollForward = true;
      const seqNos = `${fresh[0]!.record.seqNo}–${fresh.at(-1)!.record.seqNo}`;
      const error = new LedgerError(
        'ERR-LEDGER-STORAGE',
        `could not write ledger records ${seqNos} of ${c}: ${(e as Error).message}; the message will be retried`,
        'store',
      );
      for (const { p } of fresh) p.reject(error);
      for (const { p } of sameGroup) p.reject(error);
      return;
    }
    for (const { p, receipt } of fresh)
      p.resolve({ entryId: p.entry.entryId, transactionId: receipt.transactionId, duplicate: false });
    for (const { p, first } of sameGroup) {
      const record = fresh.find((f) => f.p === first)!.record;
      p.resolve({ entryId: p.entry.entryId, transactionId: transactionIdOf(record.seqNo), duplicate: true });
    }
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

  /**
   * Records past the head (a crash or a failed group between writes) are taken into the head, their receipt and index
   * rewritten, as long as each chains to the one before it. A record that does not (left behind a gap by a group
   * whose writes failed part-way, never acknowledged) is not taken: the next append overwrites it.
   */
  private async rollForward(): Promise<ChainHead> {
    let head = this.head;
    const c = this.collectionId;
    for (;;) {
      const raw = await this.store.get(this.container, ledgerPaths.entry(c, head.seqNo + 1));
      if (!raw) return head;
      const record = ChainRecord.parse(JSON.parse(Buffer.from(raw).toString('utf8')));
      if (
        record.seqNo !== head.seqNo + 1 ||
        record.prevHash !== head.entryHash ||
        entryHashOf(record) !== record.entryHash
      )
        return head;
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
