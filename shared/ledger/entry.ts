/**
 * The audit entry: small (within the 8 KiB a ledger entry may hold, issue 6), holding a digest of the full payload
 * and where that payload lies in the lake, so the ledger proves the payload without carrying it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { LedgerError } from './errors.js';

/** Largest serialised entry, bytes: the Confidential Ledger entry budget the platform keeps to (issue 6: 8 KiB). */
export const LEDGER_ENTRY_MAX_BYTES = 8 * 1024;

export const LEDGER_ENTRY_SCHEMA = 'smelter.ledger-entry/1';

const Hex256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (SHA-256)');

/** A plant id used as the ledger collection: Confidential Ledger collection ids are short URL-safe strings. */
export const CollectionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, - or _');

/** Where the full payload is kept: a blob in the lake. */
export const PayloadRef = z.object({
  container: z.string().min(1),
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
});
export type PayloadRef = z.infer<typeof PayloadRef>;

/** Scalar facts worth reading without fetching the payload (command id, cell, state …). */
const SummaryValue = z.union([z.string().max(256), z.number(), z.boolean(), z.null()]);

export const LedgerEntry = z
  .object({
    schema: z.literal(LEDGER_ENTRY_SCHEMA),
    /** Derived from the event id (entryIdFor), so a redelivered event maps to the entry it already made. */
    entryId: z.string().regex(/^le-[0-9a-f]{32}$/),
    collectionId: CollectionId,
    eventId: z.string().min(1).max(128),
    eventType: z.string().min(1).max(128),
    source: z.string().min(1).max(512),
    subject: z.string().min(1).max(512),
    occurredAt: z.iso.datetime({ offset: true }),
    correlationId: z.string().min(1).max(128).optional(),
    /** SHA-256 of the payload bytes exactly as stored at payloadRef. */
    payloadDigest: Hex256,
    payloadRef: PayloadRef,
    summary: z.record(z.string().max(64), SummaryValue).optional(),
  })
  .strict();
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** The entry id of an event: the same event id always gives the same entry id. */
export function entryIdFor(eventId: string): string {
  return `le-${createHash('sha256').update(`smelter.ledger-entry\n${eventId}`).digest('hex').slice(0, 32)}`;
}

/** Parses an entry and enforces the size budget; throws LedgerError naming the field. */
export function parseLedgerEntry(value: unknown): LedgerEntry {
  const parsed = LedgerEntry.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LedgerError(
      'ERR-LEDGER-ENTRY-INVALID',
      `ledger entry ${issue?.message ?? 'is invalid'}`,
      issue?.path.join('.') || 'entry',
    );
  }
  const bytes = Buffer.byteLength(canonicalJson(parsed.data), 'utf8');
  if (bytes > LEDGER_ENTRY_MAX_BYTES) {
    throw new LedgerError(
      'ERR-LEDGER-ENTRY-TOO-LARGE',
      `entry is ${bytes} bytes, over the ${LEDGER_ENTRY_MAX_BYTES}-byte budget; move detail into the payload`,
      'summary',
    );
  }
  if (parsed.data.entryId !== entryIdFor(parsed.data.eventId)) {
    throw new LedgerError(
      'ERR-LEDGER-ENTRY-INVALID',
      'entryId must be entryIdFor(eventId) so redelivery stays idempotent',
      'entryId',
    );
  }
  return parsed.data;
}
