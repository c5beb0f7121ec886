/**
 * The local ledger's hash chain: each record commits to the one before it, and each record's leaf (CCF shape)
 * commits to the record and to the payload digest. Shared by the writer and by `verify`, so both compute alike.
 */
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { LedgerEntry } from './entry.js';
import { sha256, type LeafComponents } from './merkle.js';

/** prevHash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The view number the local ledger reports in transaction ids (`<view>.<seqno>`); it never elects. */
export const LOCAL_VIEW = 1;

export const ChainRecord = z
  .object({
    seqNo: z.number().int().min(1),
    prevHash: z.string().regex(/^[0-9a-f]{64}$/),
    entryHash: z.string().regex(/^[0-9a-f]{64}$/),
    recordedAt: z.iso.datetime({ offset: true }),
    entry: LedgerEntry,
  })
  .strict();
export type ChainRecord = z.infer<typeof ChainRecord>;

/** SHA-256 over the record without its own hash: what entryHash must equal. */
export function entryHashOf(r: Omit<ChainRecord, 'entryHash'>): string {
  return sha256(
    Buffer.from(
      canonicalJson({ seqNo: r.seqNo, prevHash: r.prevHash, recordedAt: r.recordedAt, entry: r.entry }),
      'utf8',
    ),
  ).toString('hex');
}

/** The receipt leaf of a record: write set = the record hash, claims = the payload digest. */
export function leafComponentsOf(r: Pick<ChainRecord, 'seqNo' | 'entryHash' | 'entry'>): LeafComponents {
  return {
    writeSetDigest: r.entryHash,
    commitEvidence: `ce:${LOCAL_VIEW}.${r.seqNo}:${r.entryHash}`,
    claimsDigest: r.entry.payloadDigest,
  };
}

export const transactionIdOf = (seqNo: number) => `${LOCAL_VIEW}.${seqNo}`;

/** Head of the chain: the last record and the Merkle frontier after it, so appends do not re-read the chain. */
export const ChainHead = z.object({
  seqNo: z.number().int().min(0),
  entryHash: z.string().regex(/^[0-9a-f]{64}$/),
  frontier: z.object({ leafCount: z.number().int().min(0), peaks: z.array(z.string().regex(/^[0-9a-f]{64}$/)) }),
});
export type ChainHead = z.infer<typeof ChainHead>;
