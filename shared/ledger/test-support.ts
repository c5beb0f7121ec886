/** Test support: a Confidential Ledger–style receipt signed by the fixture node (fixtures/README.md). */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signPrehashed } from './ecdsa-prehashed.js';
import { foldProof, leafOf, sha256, type LeafComponents } from './merkle.js';
import type { ReceiptContents } from './receipt.js';

export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const serviceCertPem = fixture('service-cert.pem');
export const otherServiceCertPem = fixture('other-service-cert.pem');
const nodeCertPem = fixture('node-cert.pem');
const nodeKey = createPrivateKey(fixture('node-key.pem'));

export const hex = (s: string) => sha256(Buffer.from(s)).toString('hex');

/**
 * A receipt as a Confidential Ledger node issues it: the 5th of 7 transactions (proof: right sibling 6, right
 * sibling 7, left subtree of 1..4), signed by the fixture node. `claimsDigest` can be chosen to bind an entry.
 */
export function confidentialLedgerReceipt(claimsDigest5 = hex('claims5')): ReceiptContents {
  const components: LeafComponents[] = [];
  for (let i = 1; i <= 7; i++)
    components.push({
      writeSetDigest: hex(`ws${i}`),
      commitEvidence: `ce:2.${i}:${hex(`ce${i}`)}`,
      claimsDigest: i === 5 ? claimsDigest5 : hex(`claims${i}`),
    });
  const leaves = components.map(leafOf);
  const proof = [
    { right: leaves[5]!.toString('hex') },
    { right: leaves[6]!.toString('hex') },
    { left: sha256(sha256(leaves[0]!, leaves[1]!), sha256(leaves[2]!, leaves[3]!)).toString('hex') },
  ];
  const root = foldProof(leaves[4]!, proof);
  return {
    cert: nodeCertPem,
    leafComponents: components[4]!,
    nodeId: 'a1b2c3',
    proof,
    serviceEndorsements: [],
    signature: Buffer.from(signPrehashed(nodeKey, root)).toString('base64'),
  };
}
