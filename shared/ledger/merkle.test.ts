import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldProof, leafOf, MerkleFrontier, merkleRoot, sha256 } from './merkle.js';

describe('Merkle frontier', () => {
  it('gives every appended leaf a proof that folds to the root over all leaves so far (RFC 6962 tree)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 1000 }), (n, salt) => {
        const frontier = MerkleFrontier.empty();
        const leaves: Buffer[] = [];
        for (let i = 0; i < n; i++) {
          const leaf = sha256(Buffer.from(`${salt}:${i}`));
          leaves.push(leaf);
          const proof = frontier.append(leaf);
          const root = merkleRoot(leaves);
          expect(frontier.root().equals(root)).toBe(true);
          expect(foldProof(leaf, proof).equals(root)).toBe(true);
        }
      }),
      { seed: 6, numRuns: 30 },
    );
  });

  it('survives a save and restore', () => {
    const a = MerkleFrontier.empty();
    for (let i = 0; i < 11; i++) a.append(sha256(Buffer.from([i])));
    const b = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    const leaf = sha256(Buffer.from('next'));
    expect(b.append(leaf)).toEqual(a.append(leaf));
    expect(b.root().equals(a.root())).toBe(true);
  });

  it('builds the leaf from writeSetDigest, the hash of commitEvidence and claimsDigest in that order', () => {
    const w = sha256(Buffer.from('w')).toString('hex');
    const c = sha256(Buffer.from('c')).toString('hex');
    const leaf = leafOf({ writeSetDigest: w, commitEvidence: 'ce:2.15:abc', claimsDigest: c });
    expect(leaf.equals(sha256(Buffer.from(w, 'hex'), sha256(Buffer.from('ce:2.15:abc')), Buffer.from(c, 'hex')))).toBe(
      true,
    );
  });
});
