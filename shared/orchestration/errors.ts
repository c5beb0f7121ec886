/** A run step that cannot go on: a code, a message a person can act on, and the field or input at fault. */
export class RunError extends Error {
  constructor(
    readonly code: RunErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RunError';
  }
}

export type RunErrorCode =
  /** A blob a step expects from an earlier step is not in the lake. */
  'ERR-RUN-LAKE-MISSING';
