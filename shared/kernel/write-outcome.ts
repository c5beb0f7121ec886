/**
 * Conditional writes as every store answers them: the written value, or why nothing was written. `If-Match` is
 * the HTTP form of the condition (RFC 9110 §13.1.1), which every resource with an ETag accepts.
 */

/** What a conditional write did: the value written, or that the target was missing or had changed meanwhile. */
export type WriteOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'not-found' | 'version-mismatch' };

/** True when an If-Match header value admits the given current ETag (RFC 9110 §13.1.1: strong comparison). */
export function ifMatchAdmits(ifMatch: string | undefined, currentEtag: string): boolean {
  if (ifMatch === undefined) return true;
  const tags = ifMatch.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.includes(currentEtag);
}
