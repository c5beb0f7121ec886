import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPrehashed } from './ecdsa-prehashed.js';
import { foldProof, leafOf, MerkleFrontier, merkleRoot, sha256 } from './merkle.js';
import { verifyReceipt } from './receipt.js';
import { confidentialLedgerReceipt, hex, otherServiceCertPem, serviceCertPem } from './test-support.js';

describe('the fixture receipt', () => {
  it('proves a leaf of the RFC 6962 tree over seven transactions', () => {
    const r = confidentialLedgerReceipt();
    const leaves = [1, 2, 3, 4, 5, 6, 7].map((i) =>
      i === 5
        ? leafOf(r.leafComponents!)
        : leafOf({
            writeSetDigest: hex(`ws${i}`),
            commitEvidence: `ce:2.${i}:${hex(`ce${i}`)}`,
            claimsDigest: hex(`claims${i}`),
          }),
    );
    const frontier = MerkleFrontier.empty();
    for (const l of leaves) frontier.append(l);
    expect(foldProof(leafOf(r.leafComponents!), r.proof).equals(merkleRoot(leaves))).toBe(true);
    expect(frontier.root().equals(merkleRoot(leaves))).toBe(true);
  });
});

describe('receipt verification', () => {
  it('accepts a Confidential Ledger receipt endorsed by the service identity', () => {
    const check = verifyReceipt(confidentialLedgerReceipt(), { serviceCertificatePem: serviceCertPem });
    expect(check.ok).toBe(true);
  });

  it('rejects a node that another service endorsed', () => {
    const check = verifyReceipt(confidentialLedgerReceipt(), { serviceCertificatePem: otherServiceCertPem });
    expect(check).toMatchObject({ ok: false, code: 'ERR-LEDGER-SIGNATURE', field: 'cert' });
  });

  it('rejects a changed leaf component, proof step or signature, naming the field', () => {
    const good = confidentialLedgerReceipt();
    const claims = { ...good, leafComponents: { ...good.leafComponents!, claimsDigest: hex('forged') } };
    expect(verifyReceipt(claims)).toMatchObject({ ok: false, field: 'signature' });
    const proof = { ...good, proof: [{ right: hex('x') }, ...good.proof.slice(1)] };
    expect(verifyReceipt(proof)).toMatchObject({ ok: false, field: 'signature' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const signature = {
      ...good,
      signature: Buffer.from(signPrehashed(other, sha256(Buffer.from('root')))).toString('base64'),
    };
    expect(verifyReceipt(signature)).toMatchObject({ ok: false, field: 'signature' });
    expect(verifyReceipt({ ...good, root: hex('other root') })).toMatchObject({ ok: false, field: 'proof' });
  });

  it('ties a receipt to the caller’s copy of the entry', () => {
    const good = confidentialLedgerReceipt();
    expect(verifyReceipt(good, { expectedLeaf: { claimsDigest: hex('claims5') } }).ok).toBe(true);
    expect(verifyReceipt(good, { expectedLeaf: { claimsDigest: hex('claims4') } })).toMatchObject({
      ok: false,
      field: 'leafComponents.claimsDigest',
    });
  });

  it('reports a malformed receipt by field instead of throwing', () => {
    expect(verifyReceipt({ cert: 'x', nodeId: 'n', proof: [{ up: 'x' }], signature: 's' })).toMatchObject({
      ok: false,
      code: 'ERR-LEDGER-RECEIPT-INVALID',
    });
    expect(verifyReceipt({ ...confidentialLedgerReceipt(), cert: 'not a pem' })).toMatchObject({
      ok: false,
      field: 'cert',
    });
  });
});
