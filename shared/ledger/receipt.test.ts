import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signPrehashed } from './ecdsa-prehashed.js';
import { foldProof, leafOf, MerkleFrontier, sha256, type LeafComponents } from './merkle.js';
import { verifyReceipt, type ReceiptContents } from './receipt.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const nodeCertPem = fixture('node-cert.pem');
const nodeKey = createPrivateKey(fixture('node-key.pem'));
const serviceCertPem = fixture('service-cert.pem');
const otherServiceCertPem = fixture('other-service-cert.pem');

const hex = (s: string) => sha256(Buffer.from(s)).toString('hex');

/** A receipt as a Confidential Ledger node issues it: the 5th of 7 transactions, signed by the fixture node. */
function confidentialLedgerReceipt(): ReceiptContents {
  const frontier = MerkleFrontier.empty();
  const components: LeafComponents[] = [];
  for (let i = 1; i <= 7; i++) components.push({ writeSetDigest: hex(`ws${i}`), commitEvidence: `ce:2.${i}:${hex(`ce${i}`)}`, claimsDigest: hex(`claims${i}`) });
  // Proof of leaf 5 in a tree of 7: right sibling 6, right sibling 7, left subtree of 1..4.
  const leaves = components.map(leafOf);
  for (const l of leaves) frontier.append(l);
  const proof = [{ right: leaves[5]!.toString('hex') }, { right: leaves[6]!.toString('hex') }, { left: sha256(sha256(leaves[0]!, leaves[1]!), sha256(leaves[2]!, leaves[3]!)).toString('hex') }];
  const root = foldProof(leaves[4]!, proof);
  expect(root.equals(frontier.root())).toBe(true);
  return {
    cert: nodeCertPem,
    leafComponents: components[4]!,
    nodeId: 'a1b2c3',
    proof,
    serviceEndorsements: [],
    signature: Buffer.from(signPrehashed(nodeKey, root)).toString('base64'),
  };
}

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
    const signature = { ...good, signature: Buffer.from(signPrehashed(other, sha256(Buffer.from('root')))).toString('base64') };
    expect(verifyReceipt(signature)).toMatchObject({ ok: false, field: 'signature' });
    expect(verifyReceipt({ ...good, root: hex('other root') })).toMatchObject({ ok: false, field: 'proof' });
  });

  it('ties a receipt to the caller’s copy of the entry', () => {
    const good = confidentialLedgerReceipt();
    expect(verifyReceipt(good, { expectedLeaf: { claimsDigest: hex('claims5') } }).ok).toBe(true);
    expect(verifyReceipt(good, { expectedLeaf: { claimsDigest: hex('claims4') } })).toMatchObject({ ok: false, field: 'leafComponents.claimsDigest' });
  });

  it('reports a malformed receipt by field instead of throwing', () => {
    expect(verifyReceipt({ cert: 'x', nodeId: 'n', proof: [{ up: 'x' }], signature: 's' })).toMatchObject({ ok: false, code: 'ERR-LEDGER-RECEIPT-INVALID' });
    expect(verifyReceipt({ ...confidentialLedgerReceipt(), cert: 'not a pem' })).toMatchObject({ ok: false, field: 'cert' });
  });
});
