import { DomainError } from '../kernel/errors.js';
/** A run step that cannot go on: a code, a message a person can act on, and the field or input at fault. */
export class RunError extends DomainError {
  constructor(
    override readonly code: RunErrorCode,
    override readonly field: string,
    message: string,
  ) {
    super('internal', code, `${code}: ${message}`, field);
  }
}

export type RunErrorCode =
  /** A blob a step expects from an earlier step is not in the lake. */
  | 'ERR-RUN-LAKE-MISSING'
  /** The run's line is not in the plant model version it started on. */
  | 'ERR-RUN-PLANT-LINE';
