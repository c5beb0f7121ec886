import { ifMatchAdmits, type WriteOutcome } from '../kernel/write-outcome.js';
import { httpEtag, statusOf } from './open-container.js';

/** Attempts of a last-writer-wins write that keeps losing the race to other writers before it gives up (412). */
const MAX_UNCONDITIONAL_ATTEMPTS = 20;

/**
 * A write of one Cosmos document conditional on the version just read, so a writer in between turns it into a 412
 * rather than a lost update. With If-Match (HTTP ETags or `*`) that 412, like an ETag that does not match, answers
 * `version-mismatch`; without it the caller asked for last-writer-wins, so the write reads again and retries.
 */
export async function writeIfUnchanged<D extends { _etag: string }, R>(
  ifMatch: string | undefined,
  read: () => Promise<D | undefined>,
  write: (current: D) => Promise<R>,
): Promise<WriteOutcome<R>> {
  for (let attempt = 1; ; attempt++) {
    const current = await read();
    if (!current) return { ok: false, reason: 'not-found' };
    if (!ifMatchAdmits(ifMatch, httpEtag(current._etag))) return { ok: false, reason: 'version-mismatch' };
    try {
      return { ok: true, value: await write(current) };
    } catch (err) {
      if (statusOf(err) === 412 && ifMatch === undefined && attempt < MAX_UNCONDITIONAL_ATTEMPTS) continue;
      if (statusOf(err) === 412) return { ok: false, reason: 'version-mismatch' };
      if (statusOf(err) === 404) return { ok: false, reason: 'not-found' };
      throw err;
    }
  }
}
