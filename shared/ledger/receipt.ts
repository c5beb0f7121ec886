/**
 * Write receipts in the Confidential Ledger (CCF) shape, and their verification. The local ledger issues the same
 * shape, so one verifier serves both. Algorithm (learn.microsoft.com, "Verify Azure Confidential Ledger write
 * transaction receipts"; CCF docs, "Receipts"): rebuild the leaf from its components, fold the proof to the root,
 * check the signature over the root with the signing node's key, and check that the node's certificate is
 * endorsed by the service identity (directly or through `serviceEndorsements`).
 */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { verifyPrehashed } from './ecdsa-prehashed.js';
import { foldProof, leafOf, type LeafComponents, type ProofStep } from './merkle.js';

const Hex256 = z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits (SHA-256)');

export const ReceiptLeafComponents = z.object({
  writeSetDigest: Hex256,
  commitEvidence: z.string().min(1),
  claimsDigest: Hex256,
});

const ProofElement = z.union([z.object({ left: Hex256 }).strict(), z.object({ right: Hex256 }).strict()]);

/** `receipt` of GET /app/transactions/{id}/receipt (ReceiptContentsOutput), as zod. */
export const ReceiptContents = z.object({
  /** PEM of the signing node: an X.509 certificate (Confidential Ledger) or an SPKI public key (local ledger). */
  cert: z.string().min(1),
  leafComponents: ReceiptLeafComponents.optional(),
  /** Hex leaf, in receipts older than leafComponents. */
  leaf: Hex256.optional(),
  nodeId: z.string().min(1),
  proof: z.array(ProofElement),
  root: Hex256.optional(),
  serviceEndorsements: z.array(z.string()).optional(),
  /** Base64 DER ECDSA signature over the root. */
  signature: z.string().min(1),
});
export type ReceiptContents = z.infer<typeof ReceiptContents>;

/** The whole receipt document (TransactionReceiptOutput). */
export const TransactionReceipt = z.object({
  receipt: ReceiptContents,
  state: z.literal('Ready'),
  transactionId: z.string().min(1),
});
export type TransactionReceipt = z.infer<typeof TransactionReceipt>;

export type ReceiptCheck =
  | { ok: true; rootHex: string }
  | { ok: false; code: 'ERR-LEDGER-RECEIPT-INVALID' | 'ERR-LEDGER-SIGNATURE'; reason: string; field: string };

export interface VerifyReceiptOptions {
  /** PEM of the service identity (Confidential Ledger identity service); when given, the node must be endorsed by it. */
  serviceCertificatePem?: string;
  /** PEM the node key must match (the local ledger's published key); when given, `cert` must carry this key. */
  expectedNodeKeyPem?: string;
  /** Leaf components the caller recomputed from its own copy of the entry: they must be the receipt's. */
  expectedLeaf?: Partial<LeafComponents>;
}

const fail = (
  code: 'ERR-LEDGER-RECEIPT-INVALID' | 'ERR-LEDGER-SIGNATURE',
  field: string,
  reason: string,
): ReceiptCheck => ({ ok: false, code, reason, field });

/** Checks a receipt end to end; never throws on bad input, it reports the first failed check and its field. */
export function verifyReceipt(input: unknown, options: VerifyReceiptOptions = {}): ReceiptCheck {
  const parsed = ReceiptContents.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('ERR-LEDGER-RECEIPT-INVALID', issue?.path.join('.') || 'receipt', issue?.message ?? 'is malformed');
  }
  const r = parsed.data;
  let leaf: Buffer;
  if (r.leafComponents) {
    for (const key of ['writeSetDigest', 'commitEvidence', 'claimsDigest'] as const) {
      const want = options.expectedLeaf?.[key];
      if (want !== undefined && want.toLowerCase() !== r.leafComponents[key].toLowerCase()) {
        return fail(
          'ERR-LEDGER-RECEIPT-INVALID',
          `leafComponents.${key}`,
          `does not match the stored entry (receipt ${r.leafComponents[key]}, entry ${want})`,
        );
      }
    }
    leaf = leafOf(r.leafComponents);
  } else if (r.leaf) {
    if (options.expectedLeaf)
      return fail(
        'ERR-LEDGER-RECEIPT-INVALID',
        'leafComponents',
        'is absent, so the receipt cannot be tied to the entry',
      );
    leaf = Buffer.from(r.leaf, 'hex');
  } else {
    return fail('ERR-LEDGER-RECEIPT-INVALID', 'leafComponents', 'is absent and so is leaf');
  }
  const root = foldProof(leaf, r.proof as ProofStep[]);
  if (r.root !== undefined && r.root.toLowerCase() !== root.toString('hex')) {
    return fail(
      'ERR-LEDGER-RECEIPT-INVALID',
      'proof',
      `folds to ${root.toString('hex')}, not to the stated root ${r.root}`,
    );
  }
  let nodeKey: KeyObject;
  let nodeCert: X509Certificate | undefined;
  try {
    if (r.cert.includes('BEGIN CERTIFICATE')) {
      nodeCert = new X509Certificate(r.cert);
      nodeKey = nodeCert.publicKey;
    } else {
      nodeKey = createPublicKey(r.cert);
    }
  } catch (e) {
    return fail(
      'ERR-LEDGER-RECEIPT-INVALID',
      'cert',
      `is not a PEM certificate or public key: ${(e as Error).message}`,
    );
  }
  if (options.expectedNodeKeyPem !== undefined && !nodeKey.equals(createPublicKey(options.expectedNodeKeyPem))) {
    return fail('ERR-LEDGER-SIGNATURE', 'cert', 'is not the ledger node key on record');
  }
  let signatureOk: boolean;
  try {
    signatureOk = verifyPrehashed(nodeKey, root, Buffer.from(r.signature, 'base64'));
  } catch (e) {
    return fail('ERR-LEDGER-SIGNATURE', 'cert', (e as Error).message);
  }
  if (!signatureOk) return fail('ERR-LEDGER-SIGNATURE', 'signature', 'does not verify over the root with the node key');
  if (options.serviceCertificatePem !== undefined) {
    if (!nodeCert)
      return fail('ERR-LEDGER-SIGNATURE', 'cert', 'is a bare key; a service-endorsed node certificate is required');
    const endorsed = endorsedBy(nodeCert, r.serviceEndorsements ?? [], options.serviceCertificatePem);
    if (endorsed !== true) return fail('ERR-LEDGER-SIGNATURE', endorsed.field, endorsed.reason);
  }
  return { ok: true, rootHex: root.toString('hex') };
}

/** The node certificate is signed by the first endorsement, each endorsement by the next, the last by the service. */
function endorsedBy(
  nodeCert: X509Certificate,
  endorsements: readonly string[],
  servicePem: string,
): true | { field: string; reason: string } {
  let service: X509Certificate;
  try {
    service = new X509Certificate(servicePem);
  } catch (e) {
    return { field: 'serviceCertificatePem', reason: `is not a PEM certificate: ${(e as Error).message}` };
  }
  const chain: X509Certificate[] = [nodeCert];
  for (const [i, pem] of endorsements.entries()) {
    try {
      chain.push(new X509Certificate(pem));
    } catch (e) {
      return { field: `serviceEndorsements.${i}`, reason: `is not a PEM certificate: ${(e as Error).message}` };
    }
  }
  chain.push(service);
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.verify(chain[i + 1]!.publicKey)) {
      const field = i === 0 ? 'cert' : `serviceEndorsements.${i - 1}`;
      return {
        field,
        reason: `is not endorsed by ${i + 1 === chain.length - 1 ? 'the service identity certificate' : `serviceEndorsements.${i}`}`,
      };
    }
  }
  return true;
}
