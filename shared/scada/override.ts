import { z } from 'zod';
import { CellId, LineId } from '../telemetry/ids.js';

export { LineId };
import { isLineEquipment, lineOfEquipment } from '../plant/set-point.js';
import { DomainError } from '../kernel/errors.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { MemoryOutbox, type QueuedEvent } from '../messaging/outbox.js';

/** What an override covers: one cell, or a whole line (every cell and its rectifier). */
export const OverrideScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cell'), cellId: CellId }).strict(),
  z.object({ kind: z.literal('line'), lineId: LineId }).strict(),
]);
export type OverrideScope = z.infer<typeof OverrideScope>;

export const OverrideMode = z.enum(['manual', 'released']);
export type OverrideMode = z.infer<typeof OverrideMode>;

/** The override record of one scope (Cosmos `overrides`, id = scope key); `version` counts its changes. */
export const OverrideDoc = z.object({
  id: z.string(),
  scopeKey: z.string(),
  scope: OverrideScope,
  mode: OverrideMode,
  reason: z.string(),
  /** Token subject of who put the scope in manual. */
  requestedBy: z.string(),
  requestedAtMs: z.number(),
  releasedBy: z.string().optional(),
  releasedAtMs: z.number().optional(),
  version: z.number().int().min(1),
  correlationId: z.string(),
  updatedAtMs: z.number(),
});
export type OverrideDoc = z.infer<typeof OverrideDoc>;

/** The stable key of a scope: `cell:L1-C001` or `line:L1` (the document id). */
export function scopeKeyOf(scope: OverrideScope): string {
  return scope.kind === 'cell' ? `cell:${scope.cellId}` : `line:${scope.lineId}`;
}

/** The scope keys whose manual mode stops a command to `equipmentId`: the cell's own and its line's. */
export function scopeKeysCovering(equipmentId: string): string[] {
  const line = `line:${lineOfEquipment(equipmentId)}`;
  return isLineEquipment(equipmentId) ? [line] : [`cell:${equipmentId}`, line];
}

export class OverrideConflictError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super('conflict', 'ERR-SCADA-OVERRIDE-CONFLICT', detail, field);
  }
}

/** An override could not be read: nothing may be dispatched to what it covers until it can (fail closed). */
export class OverrideStoreUnavailableError extends DomainError {
  constructor(scopeKey: string, detail: string) {
    super(
      'unavailable',
      'ERR-SCADA-OVERRIDES-UNAVAILABLE',
      `the manual overrides cannot be read (${scopeKey}: ${detail})`,
      'overrides',
    );
  }
}

/**
 * Storage port for overrides. `get` answers undefined only for a scope never put in manual; any read it cannot answer
 * (store down, container missing, document unreadable) throws OverrideStoreUnavailableError. Implementations: memory
 * (below), Cosmos (shared/azure/cosmos-scada-stores.ts).
 */
export interface OverrideStore {
  get(scopeKey: string): Promise<OverrideDoc | undefined>;
  /**
   * Writes `doc` if the stored version is still `expectedVersion` (undefined: no document yet); otherwise throws
   * OverrideConflictError, so two people changing one scope at once cannot silently overwrite each other. `events`
   * are queued in the same atomic write (the outbox, shared/messaging/outbox.ts) and answered for publishing.
   */
  put(
    doc: OverrideDoc,
    expectedVersion: number | undefined,
    events?: readonly PlantEvent[],
  ): Promise<readonly QueuedEvent[]>;
}

/** A query for the overrides in force: a page in scope-key order, optionally only one line's (the line and its cells). */
export interface ManualOverrideQuery {
  limit: number;
  /** Only scope keys after this one (the previous page's last). */
  afterScopeKey?: string;
  lineId?: string;
}

/** Lists the overrides in force (the API's list route). Implementations: memory (below), Cosmos. */
export interface OverrideLister {
  /** Up to `limit` overrides in manual, in scope-key order, and whether more follow. */
  listManual(q: ManualOverrideQuery): Promise<{ items: OverrideDoc[]; more: boolean }>;
}

/** True when an override's scope is the line or one of its cells. */
export function scopeIsOnLine(scope: OverrideScope, lineId: string): boolean {
  return scope.kind === 'line' ? scope.lineId === lineId : lineOfEquipment(scope.cellId) === lineId;
}

/** Manual overrides in force for a piece of equipment (its cell's and its line's), read fresh from the store. */
export async function manualOverridesFor(store: OverrideStore, equipmentId: string): Promise<OverrideDoc[]> {
  const docs = await Promise.all(scopeKeysCovering(equipmentId).map((k) => store.get(k)));
  return docs.filter((d): d is OverrideDoc => d !== undefined && d.mode === 'manual');
}

/** Overrides in memory, for tests, benchmarks and one-process tools; events wait in `outbox`. */
export class MemoryOverrideStore implements OverrideStore, OverrideLister {
  readonly docs = new Map<string, OverrideDoc>();

  constructor(readonly outbox = new MemoryOutbox('scada-overrides')) {}

  async get(scopeKey: string): Promise<OverrideDoc | undefined> {
    const d = this.docs.get(scopeKey);
    return d && structuredClone(d);
  }

  async put(
    doc: OverrideDoc,
    expectedVersion: number | undefined,
    events: readonly PlantEvent[] = [],
  ): Promise<readonly QueuedEvent[]> {
    const current = this.docs.get(doc.scopeKey);
    if (current?.version !== expectedVersion) {
      throw new OverrideConflictError(
        'version',
        `Override ${doc.scopeKey} changed meanwhile (now version ${current?.version ?? 'none'}); read it again and retry`,
      );
    }
    this.docs.set(doc.scopeKey, structuredClone(doc));
    return this.outbox.queue(doc.scopeKey, events);
  }

  async listManual(q: ManualOverrideQuery): Promise<{ items: OverrideDoc[]; more: boolean }> {
    const found = [...this.docs.values()]
      .filter(
        (d) =>
          d.mode === 'manual' &&
          (q.afterScopeKey === undefined || d.scopeKey > q.afterScopeKey) &&
          (q.lineId === undefined || scopeIsOnLine(d.scope, q.lineId)),
      )
      .sort((a, b) => (a.scopeKey < b.scopeKey ? -1 : 1));
    return { items: found.slice(0, q.limit).map((d) => structuredClone(d)), more: found.length > q.limit };
  }
}
