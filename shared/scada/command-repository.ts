import { CommandDoc } from './command.js';

export class CommandConflictError extends Error {
  readonly code = 'ERR-SCADA-COMMAND-CONFLICT';
  readonly field = 'revision';
  constructor(commandId: string, expected: number, found: number | undefined) {
    super(`Command ${commandId} was changed by another delivery (expected revision ${expected}, found ${found ?? 'none'}); the message will be retried and resume from the stored state`);
    this.name = 'CommandConflictError';
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

/** Commands in memory, for tests, benchmarks and one-process tools. */
export class MemoryCommandRepository implements CommandRepository {
  readonly docs = new Map<string, CommandDoc>();

  async get(commandId: string): Promise<CommandDoc | undefined> {
    const d = this.docs.get(commandId);
    return d && structuredClone(d);
  }

  async create(doc: CommandDoc): Promise<boolean> {
    if (this.docs.has(doc.commandId)) return false;
    this.docs.set(doc.commandId, structuredClone(CommandDoc.parse(doc)));
    return true;
  }

  async update(doc: CommandDoc): Promise<void> {
    const current = this.docs.get(doc.commandId);
    if (current?.revision !== doc.revision - 1) throw new CommandConflictError(doc.commandId, doc.revision - 1, current?.revision);
    this.docs.set(doc.commandId, structuredClone(CommandDoc.parse(doc)));
  }

  async recentForEquipment(equipmentId: string, sinceMs: number): Promise<CommandDoc[]> {
    return [...this.docs.values()].filter((d) => d.equipmentId === equipmentId && d.updatedAtMs >= sinceMs).map((d) => structuredClone(d));
  }

  async recentForLine(lineId: string, sinceMs: number): Promise<CommandDoc[]> {
    return [...this.docs.values()].filter((d) => d.lineId === lineId && d.updatedAtMs >= sinceMs).map((d) => structuredClone(d));
  }
}
