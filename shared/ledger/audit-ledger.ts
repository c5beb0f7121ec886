/**
 * The audit ledger port (DESIGN §2, shared/ledger): Azure Confidential Ledger in Azure
 * (shared/azure/confidential-ledger.ts), the local hash-chain ledger elsewhere (./local-ledger.ts).
 */
import type { LedgerEntry } from './entry.js';
import type { TransactionReceipt } from './receipt.js';

export interface AppendResult {
  entryId: string;
  /** The ledger's transaction id (`<view>.<seqno>`), kept so the receipt can be fetched later. */
  transactionId: string;
  /** True when the entry was already there (a redelivered event): nothing new was written. */
  duplicate: boolean;
}

export interface AuditLedger {
  /** Appends the entry once (by entryId) and resolves after it is committed. */
  append(entry: LedgerEntry): Promise<AppendResult>;
  /** The committed receipt of an entry, or undefined when the entry is unknown. */
  receipt(entryId: string): Promise<TransactionReceipt | undefined>;
}
