/** An alerting failure with a code, an actionable message and the offending field. */
export class AlertError extends Error {
  constructor(
    readonly code:
      'ERR-ALERT-RULE-INVALID' | 'ERR-ALERT-NOT-FOUND' | 'ERR-ALERT-STATE' | 'ERR-ALERT-CHANNEL' | 'ERR-ALERT-CONFLICT',
    message: string,
    readonly field?: string,
  ) {
    super(`${code}: ${message}${field ? ` (field: ${field})` : ''}`);
    this.name = 'AlertError';
  }
}
