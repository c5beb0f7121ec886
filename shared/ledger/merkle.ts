/**
 * The Merkle tree of a CCF ledger (Confidential Ledger and the local ledger alike): leaves are SHA-256 of the
 * receipt's leaf components, an inner node is SHA-256(left ‖ right) with no domain prefix, and the tree over n
 * leaves is the left-full tree of RFC 6962 §2.1 (CCF docs, "Receipts" and merklecpp).
 */
import { createHash } from 'node:crypto';

export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** The three values a receipt carries to rebuild its leaf (Confidential Ledger `leafComponents`). */
export interface LeafComponents {
  /** Hex SHA-256 of the transaction's write set. */
  writeSetDigest: string;
  /** `ce:<view>.<seqno>:<hex>`; hashed as UTF-8. */
  commitEvidence: string;
  /** Hex SHA-256 of the application claims (all zeros when there are none). */
  claimsDigest: string;
}

/** leaf = SHA-256(writeSetDigest ‖ SHA-256(commitEvidence) ‖ claimsDigest), per the Confidential Ledger receipt docs. */
export function leafOf(c: LeafComponents): Buffer {
  return sha256(hex(c.writeSetDigest), sha256(Buffer.from(c.commitEvidence, 'utf8')), hex(c.claimsDigest));
}

/** One step of a proof: the sibling hash and on which side it sits. */
export type ProofStep = { left: string } | { right: string };

/** Folds a proof from the leaf up: a left sibling is hashed before the running value, a right one after. */
export function foldProof(leaf: Uint8Array, proof: readonly ProofStep[]): Buffer {
  let current: Buffer = Buffer.from(leaf);
  for (const step of proof)
    current = 'left' in step ? sha256(hex(step.left), current) : sha256(current, hex(step.right));
  return current;
}

/**
 * The right edge of a left-full Merkle tree: the roots of its perfect subtrees, largest first (one per set bit
 * of the leaf count). Appending is O(log n); the proof of the newest leaf is the previous frontier, reversed.
 */
export class MerkleFrontier {
  private constructor(
    private peaks: Buffer[],
    private count: number,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier([], 0);
  }

  /** Restores a frontier saved with toJSON. */
  static fromJSON(saved: { leafCount: number; peaks: string[] }): MerkleFrontier {
    return new MerkleFrontier(saved.peaks.map(hex), saved.leafCount);
  }

  get leafCount(): number {
    return this.count;
  }

  /** Appends a leaf; returns the proof of that leaf against the new root (all left siblings, nearest first). */
  append(leaf: Uint8Array): ProofStep[] {
    const proof: ProofStep[] = [...this.peaks].reverse().map((p) => ({ left: p.toString('hex') }));
    let node: Buffer = Buffer.from(leaf);
    // Merge equal-sized subtrees exactly as a binary counter carries: one merge per trailing 1 bit of the old count.
    let carry = this.count;
    const peaks = [...this.peaks];
    while (carry & 1) {
      node = sha256(peaks.pop()!, node);
      carry >>= 1;
    }
    peaks.push(node);
    this.peaks = peaks;
    this.count += 1;
    return proof;
  }

  /** The root over every leaf so far: peaks folded right to left (RFC 6962 split at the largest power of two). */
  root(): Buffer {
    if (this.peaks.length === 0) return sha256();
    let node = this.peaks[this.peaks.length - 1]!;
    for (let i = this.peaks.length - 2; i >= 0; i--) node = sha256(this.peaks[i]!, node);
    return node;
  }

  toJSON(): { leafCount: number; peaks: string[] } {
    return { leafCount: this.count, peaks: this.peaks.map((p) => p.toString('hex')) };
  }
}

/** The RFC 6962 Merkle tree hash over all leaves, computed directly (reference for tests and audits). */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return Buffer.from(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}
