import { randomUUID } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is a safe token, else a new UUID; echoed as `x-request-id`. */
export function correlationId(header: string | null | undefined): string {
  return header && SAFE_ID.test(header) ? header : randomUUID();
}
