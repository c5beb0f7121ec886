import { DomainError, type FailureKind } from '../kernel/errors.js';
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
const KIND: Record<LedgerErrorCode, FailureKind> = {
  'ERR-LEDGER-ENTRY-TOO-LARGE': 'invalid-input',
  'ERR-LEDGER-ENTRY-INVALID': 'invalid-input',
  'ERR-LEDGER-RECEIPT-INVALID': 'internal',
  'ERR-LEDGER-SIGNATURE': 'internal',
  'ERR-LEDGER-STORAGE': 'unavailable',
  'ERR-LEDGER-COMMIT-TIMEOUT': 'unavailable',
  'ERR-LEDGER-SERVICE': 'unavailable',
};

export class LedgerError extends DomainError {
  constructor(
    override readonly code: LedgerErrorCode,
    message: string,
    field?: string,
  ) {
    super(KIND[code], code, `${code}: ${message}${field ? ` (field: ${field})` : ''}`, field);
  }
}
