/**
 * The set-point command record and its state machine. One document per command id, rewritten on every state
 * change, so a redelivered recommendation finds its command and continues from where it stood.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ENVELOPE_RULES } from './envelope.js';
import { CommandAction, PresentValues, SetPointField } from '../plant/set-point.js';
import { DomainError } from '../kernel/errors.js';

export const COMMAND_STATES = ['proposed', 'approved', 'rejected', 'dispatched', 'acknowledged', 'failed'] as const;
export const CommandState = z.enum(COMMAND_STATES);
export type CommandState = z.infer<typeof CommandState>;

/** Legal moves. `dispatched → dispatched` is a retry; rejected, acknowledged and failed are final. */
const TRANSITIONS: Readonly<Record<CommandState, readonly CommandState[]>> = {
  proposed: ['approved', 'rejected'],
  // An interlock that appears between approval and sending rejects; a gateway that cannot send fails.
  approved: ['dispatched', 'rejected', 'failed'],
  dispatched: ['dispatched', 'acknowledged', 'failed'],
  rejected: [],
  acknowledged: [],
  failed: [],
};

/** True when nothing more happens to a command in this state. */
export function isFinal(state: CommandState): boolean {
  return TRANSITIONS[state].length === 0;
}

export const CommandViolation = z.object({
  rule: z.enum(ENVELOPE_RULES),
  field: SetPointField.optional(),
  message: z.string(),
});

export const CommandFailure = z.object({
  /** ERR-SCADA-ACK-TIMEOUT, ERR-SCADA-PLC-REFUSED, ERR-SCADA-GATEWAY-DOWN, or ERR-SCADA-ENVELOPE-<rule> found on a resumed command. */
  code: z.string(),
  message: z.string(),
});
export type CommandFailure = z.infer<typeof CommandFailure>;

/** What the PLC reported when it acknowledged. */
export const CommandAckRecord = z.object({
  appliedAtMs: z.number(),
  applied: PresentValues,
  previous: PresentValues,
  correlationId: z.string(),
  receivedAtMs: z.number(),
});
export type CommandAckRecord = z.infer<typeof CommandAckRecord>;

export const CommandHistoryEntry = z.object({
  state: CommandState,
  atMs: z.number(),
  attempt: z.number().int().optional(),
  note: z.string().optional(),
});
export type CommandHistoryEntry = z.infer<typeof CommandHistoryEntry>;

/** The Cosmos `scada-commands` document (partition key /commandId, id = commandId). */
export const CommandDoc = z.object({
  id: z.string(),
  commandId: z.string(),
  kind: z.literal('scada-command'),
  recommendationId: z.string(),
  /** The event that proposed it (the recommendation's CloudEvent id). */
  sourceEventId: z.string(),
  correlationId: z.string(),
  equipmentId: z.string(),
  lineId: z.string(),
  action: CommandAction,
  setPoint: PresentValues,
  /** Present values as the proposer saw them. */
  reportedPresent: PresentValues,
  state: CommandState,
  /** Signed change per field from the baseline, fixed at approval. */
  deltas: z.partialRecord(SetPointField, z.number()),
  /**
   * The version every attempt carries to the plant, fixed at approval: later than the version of any earlier command
   * to the same fields. The plant refuses a version older than the last it applied to a field (absent on commands
   * stored before versions were kept, which take their approval time).
   */
  version: z.number().int().nonnegative().optional(),
  /** Gateway attempts made so far. */
  attempts: z.number().int().min(0),
  violations: z.array(CommandViolation),
  ack: CommandAckRecord.optional(),
  failure: CommandFailure.optional(),
  history: z.array(CommandHistoryEntry),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  /** Write counter for optimistic concurrency: a write expects the stored revision to be one less. */
  revision: z.number().int().min(1),
});
export type CommandDoc = z.infer<typeof CommandDoc>;

export class CommandStateError extends DomainError {
  constructor(commandId: string, from: CommandState, to: CommandState) {
    super(
      'conflict',
      'ERR-SCADA-COMMAND-STATE',
      `Command ${commandId} cannot go from ${from} to ${to}; legal next states: ${TRANSITIONS[from].join(', ') || 'none (final)'}`,
      'state',
    );
  }
}

/** The same command id for the same (recommendation, equipment, action): a redelivered recommendation maps onto it. */
export function commandIdFor(recommendationId: string, equipmentId: string, action: string): string {
  return `cmd-${createHash('sha256').update([recommendationId, equipmentId, action].join('\n')).digest('hex').slice(0, 32)}`;
}

export interface NewCommand {
  commandId: string;
  recommendationId: string;
  sourceEventId: string;
  correlationId: string;
  equipmentId: string;
  lineId: string;
  action: CommandAction;
  setPoint: PresentValues;
  reportedPresent: PresentValues;
}

/** A command in state `proposed`, revision 1. */
export function proposedCommand(c: NewCommand, atMs: number): CommandDoc {
  return CommandDoc.parse({
    ...c,
    id: c.commandId,
    kind: 'scada-command',
    state: 'proposed',
    deltas: {},
    attempts: 0,
    violations: [],
    history: [{ state: 'proposed', atMs }],
    createdAtMs: atMs,
    updatedAtMs: atMs,
    revision: 1,
  });
}

/** The next revision of `doc` in state `to` (with `patch` merged); throws CommandStateError for an illegal move. */
export function transition(
  doc: CommandDoc,
  to: CommandState,
  atMs: number,
  patch: Partial<Pick<CommandDoc, 'deltas' | 'version' | 'attempts' | 'violations' | 'ack' | 'failure'>> = {},
  note?: string,
): CommandDoc {
  if (!TRANSITIONS[doc.state].includes(to)) throw new CommandStateError(doc.commandId, doc.state, to);
  const attempts = patch.attempts ?? doc.attempts;
  const entry: CommandHistoryEntry = {
    state: to,
    atMs,
    ...(to === 'dispatched' ? { attempt: attempts } : {}),
    ...(note ? { note } : {}),
  };
  return {
    ...doc,
    ...patch,
    state: to,
    history: [...doc.history, entry],
    updatedAtMs: atMs,
    revision: doc.revision + 1,
  };
}

/** When the command entered `state` last, if ever. */
export function enteredAtMs(doc: CommandDoc, state: CommandState): number | undefined {
  for (let i = doc.history.length - 1; i >= 0; i--) if (doc.history[i]!.state === state) return doc.history[i]!.atMs;
  return undefined;
}
