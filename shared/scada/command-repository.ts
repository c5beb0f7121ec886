import { CommandDoc, isFinal } from './command.js';
import type { SetPointField } from '../plant/set-point.js';
import { DomainError } from '../kernel/errors.js';

export class CommandConflictError extends DomainError {
  constructor(commandId: string, expected: number, found: number | undefined) {
    super(
      'conflict',
      'ERR-SCADA-COMMAND-CONFLICT',
      `Command ${commandId} was changed by another delivery (expected revision ${expected}, found ${found ?? 'none'}); the message will be retried and resume from the stored state`,
      'revision',
    );
  }
}

/**
 * The command store could not answer (unreachable, container missing, document unreadable). The dispatcher never
 * takes that as "no command yet": it sends nothing, raises the interlock alert, and the message is delivered again.
 */
export class CommandStoreUnavailableError extends DomainError {
  constructor(detail: string) {
    super(
      'unavailable',
      'ERR-SCADA-COMMANDS-UNAVAILABLE',
      `The set-point command store cannot be read (${detail}); nothing is sent until it can. Check Cosmos DB and its scada-commands container.`,
      'scada-commands',
    );
  }
}

/** Storage port for commands, by command id. Implementations: memory (below), Cosmos (shared/azure/cosmos-scada-stores.ts). */
export interface CommandRepository {
  get(commandId: string): Promise<CommandDoc | undefined>;
  /** Stores a new command; false when one with this id exists already (a redelivery). */
  create(doc: CommandDoc): Promise<boolean>;
  /** Replaces the stored command if its revision is `doc.revision − 1`; otherwise throws CommandConflictError. */
  update(doc: CommandDoc): Promise<void>;
  /** Commands to the equipment changed at or after `sinceMs` (for the step baseline and the hourly rate). */
  recentForEquipment(equipmentId: string, sinceMs: number): Promise<CommandDoc[]>;
  /** Commands to any equipment of the line changed at or after `sinceMs` (an optimisation run's present set points). */
  recentForLine(lineId: string, sinceMs: number): Promise<CommandDoc[]>;
}

/** A page of one equipment's commands, newest first. */
export interface CommandHistoryQuery {
  equipmentId: string;
  /** Only commands created at or after this instant, epoch ms. */
  fromMs?: number;
  /** Only commands created before this instant, epoch ms. */
  toMs?: number;
  limit: number;
  /** Where the previous page stopped: its last creation time and the ids created at exactly that time it showed. */
  before?: { createdAtMs: number; commandIds: readonly string[] };
}

/**
 * What the API reads from the command store (cross-partition queries by equipment, never on the dispatch path).
 * Implementations: memory (below), Cosmos (shared/azure/cosmos-scada-stores.ts).
 */
export interface CommandQueries {
  /** The acknowledged command that last set `field` on the equipment (newest acknowledgement received), if any. */
  lastAcknowledged(equipmentId: string, field: SetPointField): Promise<CommandDoc | undefined>;
  /** Commands to the equipment not yet in a final state (proposed, approved, dispatched), oldest first. */
  openForEquipment(equipmentId: string): Promise<CommandDoc[]>;
  /** One page of the equipment's commands, newest first by creation time, and whether more follow. */
  history(q: CommandHistoryQuery): Promise<{ items: CommandDoc[]; more: boolean }>;
}

/** True when `d` belongs to the page `q` asks for (creation-time window and position after the previous page). */
export function inHistoryPage(d: CommandDoc, q: CommandHistoryQuery): boolean {
  if (d.equipmentId !== q.equipmentId) return false;
  if (q.fromMs !== undefined && d.createdAtMs < q.fromMs) return false;
  if (q.toMs !== undefined && d.createdAtMs >= q.toMs) return false;
  if (
    q.before &&
    (d.createdAtMs > q.before.createdAtMs ||
      (d.createdAtMs === q.before.createdAtMs && q.before.commandIds.includes(d.commandId)))
  )
    return false;
  return true;
}

/** Commands in memory, for tests, benchmarks and one-process tools. */
export class MemoryCommandRepository implements CommandRepository, CommandQueries {
  readonly docs = new Map<string, CommandDoc>();
  /** Tests set it: every call then fails as a store that cannot be reached does. */
  unavailable = false;

  async get(commandId: string): Promise<CommandDoc | undefined> {
    this.check();
    const d = this.docs.get(commandId);
    return d && structuredClone(d);
  }

  async create(doc: CommandDoc): Promise<boolean> {
    this.check();
    if (this.docs.has(doc.commandId)) return false;
    this.docs.set(doc.commandId, structuredClone(CommandDoc.parse(doc)));
    return true;
  }

  async update(doc: CommandDoc): Promise<void> {
    this.check();
    const current = this.docs.get(doc.commandId);
    if (current?.revision !== doc.revision - 1)
      throw new CommandConflictError(doc.commandId, doc.revision - 1, current?.revision);
    this.docs.set(doc.commandId, structuredClone(CommandDoc.parse(doc)));
  }

  async recentForEquipment(equipmentId: string, sinceMs: number): Promise<CommandDoc[]> {
    this.check();
    return [...this.docs.values()]
      .filter((d) => d.equipmentId === equipmentId && d.updatedAtMs >= sinceMs)
      .map((d) => structuredClone(d));
  }

  async recentForLine(lineId: string, sinceMs: number): Promise<CommandDoc[]> {
    this.check();
    return [...this.docs.values()]
      .filter((d) => d.lineId === lineId && d.updatedAtMs >= sinceMs)
      .map((d) => structuredClone(d));
  }

  async lastAcknowledged(equipmentId: string, field: SetPointField): Promise<CommandDoc | undefined> {
    const acked = [...this.docs.values()].filter(
      (d) => d.equipmentId === equipmentId && d.state === 'acknowledged' && d.ack?.applied[field] !== undefined,
    );
    acked.sort((a, b) => b.ack!.receivedAtMs - a.ack!.receivedAtMs);
    return acked[0] && structuredClone(acked[0]);
  }

  async openForEquipment(equipmentId: string): Promise<CommandDoc[]> {
    return [...this.docs.values()]
      .filter((d) => d.equipmentId === equipmentId && !isFinal(d.state))
      .sort((a, b) => a.createdAtMs - b.createdAtMs)
      .map((d) => structuredClone(d));
  }

  async history(q: CommandHistoryQuery): Promise<{ items: CommandDoc[]; more: boolean }> {
    const found = [...this.docs.values()]
      .filter((d) => inHistoryPage(d, q))
      .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.commandId < b.commandId ? -1 : 1));
    return { items: found.slice(0, q.limit).map((d) => structuredClone(d)), more: found.length > q.limit };
  }

  private check(): void {
    if (this.unavailable) throw new CommandStoreUnavailableError('the store is unavailable');
  }
}
