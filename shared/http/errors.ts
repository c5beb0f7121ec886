import type { z } from 'zod';
import { DomainError, type FailureKind } from '../kernel/errors.js';

/** The platform's API error codes (DESIGN §4): ERR-<http status><sequence>. */
export const ErrorCodes = {
  invalidInput: { code: 'ERR-4001', status: 400 },
  unauthorized: { code: 'ERR-4011', status: 401 },
  forbidden: { code: 'ERR-4033', status: 403 },
  notFound: { code: 'ERR-4042', status: 404 },
  conflict: { code: 'ERR-4091', status: 409 },
  preconditionFailed: { code: 'ERR-4121', status: 412 },
  payloadTooLarge: { code: 'ERR-4131', status: 413 },
  unsupportedMediaType: { code: 'ERR-4151', status: 415 },
  tooManyRequests: { code: 'ERR-4291', status: 429 },
  internal: { code: 'ERR-5000', status: 500 },
  dependencyUnavailable: { code: 'ERR-5031', status: 503 },
} as const;
export type ErrorKind = keyof typeof ErrorCodes;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `query.from` or `body.parameters.thermalConductivity`. */
  field?: string;
  issue: string;
  /** The domain's own code when a domain rule refused the request (ERR-ALERT-STATE, ERR-SCADA-OVERRIDE-CONFLICT …). */
  reason?: string;
}

/** The one mapping from what went wrong in a domain to how the API answers it. */
const KIND_TO_API: Record<FailureKind, ErrorKind> = {
  'invalid-input': 'invalidInput',
  'not-found': 'notFound',
  conflict: 'conflict',
  'precondition-failed': 'preconditionFailed',
  unavailable: 'dependencyUnavailable',
  internal: 'internal',
};

/** An error an API caller can act on: a code, a message, the fields at fault. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = ErrorCodes[kind].code;
    this.status = ErrorCodes[kind].status;
  }
}

/** Turns a zod failure at `where` (body, query, path) into ERR-4001 naming every offending field. */
export function invalidInput(where: 'body' | 'query' | 'path' | 'header', error: z.ZodError): ApiError {
  const details = error.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), issue: i.message }));
  const first = details[0];
  return new ApiError('invalidInput', first ? `Invalid ${first.field}: ${first.issue}` : `Invalid ${where}`, details);
}

export interface ErrorBody {
  code: string;
  message: string;
  details: ErrorDetail[];
}

/** The response body for any thrown value; unexpected errors never leak their message or stack. */
export function errorBody(
  err: unknown,
  requestId: string,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: { code: err.code, message: err.message, details: err.details },
      headers: err.headers,
    };
  }
  if (err instanceof DomainError && err.kind !== 'internal') {
    // A domain refusal the caller can act on: its message and field, under the API's code for that kind.
    const api = ErrorCodes[KIND_TO_API[err.kind]];
    const detail: ErrorDetail = { issue: err.message, reason: err.code, ...(err.field ? { field: err.field } : {}) };
    return { status: api.status, body: { code: api.code, message: err.message, details: [detail] }, headers: {} };
  }
  return {
    status: 500,
    body: {
      code: ErrorCodes.internal.code,
      message: `Internal error. Quote request id ${requestId} when reporting it; the details are in the application log.`,
      details: [],
    },
    headers: {},
  };
}
