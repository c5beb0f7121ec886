import { randomUUID } from 'node:crypto';
import { ifMatchAdmits, type WriteOutcome } from '../kernel/write-outcome.js';
import { httpEtag } from './open-container.js';

/** Attempts of a last-writer-wins write that keeps losing the race to other writers before it gives up (412). */
const MAX_UNCONDITIONAL_ATTEMPTS = 20;

/** What one attempt of a conditional write did: the value written, or the Cosmos status that refused it. */
export type AttemptOutcome<R> = { ok: true; value: R } | { ok: false; status: number };

/**
 * A write of one Cosmos document conditional on the version just read, so a writer in between turns it into a 412
 * rather than a lost update. With If-Match (HTTP ETags or `*`) that 412, like an ETag that does not match, answers
 * `version-mismatch`; without it the caller asked for last-writer-wins, so the write reads again and retries.
 * `etagOf` is the HTTP ETag of a stored version (default: Cosmos's own `_etag`).
 */
export async function writeIfUnchanged<D extends { _etag: string }, R>(
  ifMatch: string | undefined,
  read: () => Promise<D | undefined>,
  write: (current: D) => Promise<AttemptOutcome<R>>,
  etagOf: (current: D) => string = (d) => httpEtag(d._etag),
): Promise<WriteOutcome<R>> {
  for (let attempt = 1; ; attempt++) {
    const current = await read();
    if (!current) return { ok: false, reason: 'not-found' };
    if (!ifMatchAdmits(ifMatch, etagOf(current))) return { ok: false, reason: 'version-mismatch' };
    const r = await write(current);
    if (r.ok) return r;
    if (r.status === 412 && ifMatch === undefined && attempt < MAX_UNCONDITIONAL_ATTEMPTS) continue;
    if (r.status === 404) return { ok: false, reason: 'not-found' };
    return { ok: false, reason: 'version-mismatch' };
  }
}

/**
 * A new revision token for a document version. Resources whose events name the version's ETag carry their own
 * (`rev`) instead of Cosmos's `_etag`: the event is built before the one atomic write that stores it with the
 * change, when `_etag` is not known yet. It also survives the local server's restart, which assigns `_etag` anew.
 */
export const newRevision = (): string => randomUUID();

/** The HTTP ETag of a document: its own revision when it has one, else Cosmos's `_etag` (documents written before). */
export const revisionEtag = (d: { rev?: string | undefined; _etag: string }): string =>
  d.rev === undefined ? httpEtag(d._etag) : `"${d.rev}"`;
