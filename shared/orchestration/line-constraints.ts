/**
 * The user constraints an optimisation run of a line reads (shared/optimize UserConstraint): one document per line
 * in Cosmos `line-constraints`, replaced whole by `PUT v1/lines/{lineId}/constraints` under If-Match.
 */
import { z } from 'zod';
import { UserConstraint } from '../optimize/schema.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import { MemoryOutbox, type EventsFor, type Written } from '../messaging/outbox.js';

/** The stored constraints of a line; `etag` is an HTTP strong ETag (quoted). */
export const LineConstraints = z.object({
  lineId: z.string(),
  constraints: z.array(UserConstraint),
  /** Replacements so far (1 for the first). */
  version: z.number().int().min(1),
  updatedBy: z.string(),
  updatedAtMs: z.number(),
  correlationId: z.string(),
  etag: z.string(),
});
export type LineConstraints = z.infer<typeof LineConstraints>;

export interface ConstraintsWrite {
  constraints: UserConstraint[];
  updatedBy: string;
  updatedAtMs: number;
  correlationId: string;
}

/** Storage port; Cosmos implementation in shared/azure/cosmos-orchestration-stores.ts. */
export interface LineConstraintStore {
  get(lineId: string): Promise<LineConstraints | undefined>;
  /**
   * Replaces (or creates) the line's constraints when `ifMatch` (HTTP ETags or `*`) is absent or admits the stored
   * ETag; `*` and any ETag fail with `version-mismatch` when nothing is stored (RFC 9110 §13.1.1). The events built
   * from the new version are queued in the same atomic write (the outbox, shared/messaging/outbox.ts).
   */
  replace(
    lineId: string,
    write: ConstraintsWrite,
    events: EventsFor<LineConstraints>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<LineConstraints>>>;
}

/** Constraints in memory, for tests and one-process tools; events wait in `outbox`. */
export class MemoryLineConstraintStore implements LineConstraintStore {
  readonly docs = new Map<string, LineConstraints>();

  constructor(readonly outbox = new MemoryOutbox('line-constraints')) {}

  async get(lineId: string): Promise<LineConstraints | undefined> {
    const d = this.docs.get(lineId);
    return d && structuredClone(d);
  }

  async replace(
    lineId: string,
    write: ConstraintsWrite,
    events: EventsFor<LineConstraints>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<LineConstraints>>> {
    const current = this.docs.get(lineId);
    if (ifMatch !== undefined && !admits(ifMatch, current?.etag)) return { ok: false, reason: 'version-mismatch' };
    const version = (current?.version ?? 0) + 1;
    const doc: LineConstraints = { lineId, ...write, version, etag: `"${lineId}-v${version}"` };
    const toQueue = events(doc);
    this.docs.set(lineId, structuredClone(doc));
    return { ok: true, value: { stored: structuredClone(doc), pending: this.outbox.queue(lineId, toQueue) } };
  }
}

/** If-Match against the stored ETag, or against nothing stored (which no tag, not even `*`, admits). */
export function admits(ifMatch: string, currentEtag: string | undefined): boolean {
  if (currentEtag === undefined) return false;
  const tags = ifMatch.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.includes(currentEtag);
}
