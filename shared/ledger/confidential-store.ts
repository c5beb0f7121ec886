/**
 * What the Confidential Ledger adapter keeps in the lake, declared here (no SDK) so `verify` reads it without
 * Azure: the entry-id index (the service has no lookup by our id), the receipts with their entries, and the
 * service identity certificate that endorses the nodes.
 */
import { z } from 'zod';
import { LedgerEntry } from './entry.js';
import { TransactionReceipt } from './receipt.js';

const root = (c: string) => `audit/confidential-ledger/${encodeURIComponent(c)}`;

export const confidentialLedgerPaths = {
  index: (c: string, entryId: string) => `${root(c)}/ids/${entryId}.json`,
  receiptsPrefix: (c: string) => `${root(c)}/receipts/`,
  receipt: (c: string, entryId: string) => `${root(c)}/receipts/${entryId}.json`,
  serviceIdentity: (c: string) => `${root(c)}/service-identity.pem`,
};

/** Progress of one entry: appending (posted, id unknown) → pending (id known) → committed (receipt stored). */
export const ConfidentialIndexRecord = z.object({
  entryId: z.string(),
  state: z.enum(['appending', 'pending', 'committed']),
  transactionId: z.string().optional(),
  /** The collection's current transaction before the first attempt: where to search after a lost response. */
  fromTransactionId: z.string().optional(),
  /** When the delivery that writes the entry claimed it (state appending), epoch ms: others wait for it meanwhile. */
  claimedAtMs: z.number().optional(),
});
export type ConfidentialIndexRecord = z.infer<typeof ConfidentialIndexRecord>;

/** A stored receipt together with the entry it proves. */
export const StoredConfidentialReceipt = z.object({ entry: LedgerEntry, receipt: TransactionReceipt });
export type StoredConfidentialReceipt = z.infer<typeof StoredConfidentialReceipt>;
