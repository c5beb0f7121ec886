import { DomainError, type FailureKind } from '../kernel/errors.js';
/** An alerting failure with a code, an actionable message and the offending field. */
export type AlertErrorCode =
  'ERR-ALERT-RULE-INVALID' | 'ERR-ALERT-NOT-FOUND' | 'ERR-ALERT-STATE' | 'ERR-ALERT-CHANNEL' | 'ERR-ALERT-CONFLICT';

/** How each alerting failure reaches a caller. */
const KIND: Record<AlertErrorCode, FailureKind> = {
  'ERR-ALERT-RULE-INVALID': 'invalid-input',
  'ERR-ALERT-NOT-FOUND': 'not-found',
  'ERR-ALERT-STATE': 'conflict',
  'ERR-ALERT-CHANNEL': 'invalid-input',
  'ERR-ALERT-CONFLICT': 'conflict',
};

export class AlertError extends DomainError {
  constructor(
    override readonly code: AlertErrorCode,
    message: string,
    field?: string,
  ) {
    super(KIND[code], code, `${code}: ${message}${field ? ` (field: ${field})` : ''}`, field);
  }
}
