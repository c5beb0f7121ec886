/** Codes of ledger failures: each names what went wrong so an operator can act on it. */
export type LedgerErrorCode =
  | 'ERR-LEDGER-ENTRY-TOO-LARGE'
  | 'ERR-LEDGER-ENTRY-INVALID'
  | 'ERR-LEDGER-RECEIPT-INVALID'
  | 'ERR-LEDGER-SIGNATURE'
  | 'ERR-LEDGER-STORAGE'
  | 'ERR-LEDGER-COMMIT-TIMEOUT'
  | 'ERR-LEDGER-SERVICE';

/** A ledger failure with a code, an actionable message and the offending field. */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(`${code}: ${message}${field ? ` (field: ${field})` : ''}`);
    this.name = 'LedgerError';
  }
}
