/**
 * The audit trail of API writes: who (token subject and calling application), what (action and resource), when, and
 * under which correlation id. Every write route records one entry per change it makes; safety-relevant changes
 * (overrides, set points) also reach the Confidential Ledger through their plant events.
 */

/** Who made a change, for the record. */
export interface Actor {
  /** Token subject. */
  subject: string;
  /** The calling application (`azp`/`appid`). */
  clientId: string;
  /** The request's correlation id (echoed to the caller as x-request-id). */
  correlationId: string;
}

/** One record of a write: who, what, when, under which correlation id. */
export interface AuditEntry {
  /**
   * An idempotency key: an entry recorded again under the same id (a redelivered message) is kept once. Without it
   * every call records a new entry.
   */
  entryId?: string;
  /** `<resource>.<past-tense verb>`, e.g. `pde-model.created`, `override.released`. */
  action: string;
  /** Resource path relative to the API version, e.g. `pde-models/pde-001`. */
  resource: string;
  actor: Actor;
  atMs: number;
  detail?: Record<string, unknown>;
}

/** Append-only audit trail port. Implementations: Cosmos `audit` (shared/azure/cosmos-audit-log.ts), memory (below). */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/** Audit entries in memory, for tests, benchmarks and one-process tools. */
export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    if (entry.entryId !== undefined && this.entries.some((e) => e.entryId === entry.entryId)) return;
    this.entries.push(structuredClone(entry));
  }
}
