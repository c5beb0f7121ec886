/**
 * The one error base of the platform. Every failure a domain raises says what kind of failure it is (so the API
 * answers the right status and a consumer knows whether a retry can help), carries a code in one format
 * (`ERR-<AREA>-<WHAT>`, upper case) that support can search for, a message a person can act on, and the field at
 * fault when there is one. shared/http maps kinds to HTTP statuses in one place (errors.ts `errorBody`).
 */

/** What went wrong, as callers need to react to it. */
export type FailureKind =
  /** The input breaks a rule: retrying the same input fails again (HTTP 400). */
  | 'invalid-input'
  /** What was asked for does not exist (404). */
  | 'not-found'
  /** The target is not in a state that allows it, e.g. releasing a scope not in manual (409). */
  | 'conflict'
  /** The target changed since the caller read it (412). */
  | 'precondition-failed'
  /** A dependency (store, topic, broker) cannot be reached now: a retry later can succeed (503). */
  | 'unavailable'
  /** A fault of the platform itself (500). */
  | 'internal';

/** The format of every error code: `ERR-` then upper-case words joined by dashes (ERR-SCADA-ACK-TIMEOUT). */
export const ERROR_CODE_PATTERN = /^ERR-[A-Z0-9]+(-[A-Z0-9]+)*$/;

/** A domain failure: kind, code, an actionable message and, where there is one, the field at fault. */
export class DomainError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An error code from words in any case: `errorCode('SCADA', 'envelope', 'max-step')` is ERR-SCADA-ENVELOPE-MAX-STEP. */
export function errorCode(...words: string[]): string {
  return `ERR-${words.map((w) => w.toUpperCase().replace(/[^A-Z0-9]+/g, '-')).join('-')}`;
}
