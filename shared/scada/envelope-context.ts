/**
 * Builds the safety envelope's view of one piece of equipment: what the plant reports (read-back, hot state),
 * the overrides in force and our own recent commands. The SCADA dispatcher and the optimisation run's pre-check both
 * build it here, so the two cannot judge differently. A read that cannot be answered never counts as "nothing
 * there": it is named in `unverifiable` and the envelope refuses (fail closed).
 */
import type { CellStateDoc, HotStateStore } from '../telemetry/hot-state.js';
import { enteredAtMs, type CommandDoc } from './command.js';
import type { CommandRepository } from './command-repository.js';
import { RATE_WINDOW_MS, type EnvelopeContext, type RecentMove } from './envelope.js';
import type { EnvelopeLimits } from '../plant/envelope-limits.js';
import { manualOverridesFor, type OverrideDoc, type OverrideStore } from './override.js';
import type { ReadbackDoc, ReadbackStore } from './readback.js';
import { fieldsOf, type SetPointField } from '../plant/set-point.js';

/** How far back our own commands are read: an hour of moves plus the longest a command stays open, ms. */
export const COMMAND_LOOKBACK_MS = 2 * RATE_WINDOW_MS;

/** The stores the envelope reads. */
export interface EnvelopeReads {
  hotState: Pick<HotStateStore, 'getCell'>;
  overrides: OverrideStore;
  readback: Pick<ReadbackStore, 'latest'>;
  commands: Pick<CommandRepository, 'recentForEquipment'>;
}

/** The stores as a whole line's check reads them: one query per store for the line, not one per cell. */
export interface LineEnvelopeReads {
  hotState: Pick<HotStateStore, 'getCell'>;
  overrides: OverrideStore;
  readback: Pick<ReadbackStore, 'latestForLine'>;
  commands: Pick<CommandRepository, 'recentForLine'>;
}

/** Everything read about one piece of equipment, before it is judged. */
export interface EquipmentFacts {
  equipmentState: CellStateDoc | undefined;
  manualOverrides: OverrideDoc[];
  /** The plant's newest reports and its recent changes (ours and external). */
  readback: ReadbackDoc | undefined;
  /** Our commands to the equipment within COMMAND_LOOKBACK_MS. */
  commands: CommandDoc[];
  /** What could not be read, in words an operator can act on. */
  unverifiable: string[];
}

/** Runs reads, remembering which failed (once each, with why) instead of throwing or taking them as empty. */
function failureRecorder() {
  const failed = new Map<string, string>();
  const attempt = async <T>(what: string, read: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      if (!failed.has(what)) failed.set(what, e instanceof Error ? e.message : String(e));
      return empty;
    }
  };
  const unverifiable = (extra: readonly string[] = []) => [
    ...[...failed].map(([what, why]) => `${what} (${why})`),
    ...extra,
  ];
  return { attempt, unverifiable };
}

/** Reads the facts about one piece of equipment now; a failed read is recorded, never thrown or taken as empty. */
export async function readEquipmentFacts(
  reads: EnvelopeReads,
  equipmentId: string,
  nowMs: number,
): Promise<EquipmentFacts> {
  const { attempt, unverifiable } = failureRecorder();
  const [equipmentState, manualOverrides, readback, commands] = await Promise.all([
    attempt('the hot state', () => reads.hotState.getCell(equipmentId), undefined),
    attempt('the manual overrides', () => manualOverridesFor(reads.overrides, equipmentId), []),
    attempt("the plant's set-point read-back", () => reads.readback.latest(equipmentId), undefined),
    attempt(
      'the command history',
      () => reads.commands.recentForEquipment(equipmentId, nowMs - COMMAND_LOOKBACK_MS),
      [],
    ),
  ]);
  return { equipmentState, manualOverrides, readback, commands, unverifiable: unverifiable() };
}

/** The facts about several pieces of equipment of one line, read with one query per store where the store allows. */
export async function readLineFacts(
  reads: LineEnvelopeReads,
  lineId: string,
  equipmentIds: readonly string[],
  nowMs: number,
): Promise<Map<string, EquipmentFacts>> {
  const line = failureRecorder();
  const [readbacks, commands] = await Promise.all([
    line.attempt("the plant's set-point read-back", () => reads.readback.latestForLine(lineId), []),
    line.attempt('the command history', () => reads.commands.recentForLine(lineId, nowMs - COMMAND_LOOKBACK_MS), []),
  ]);
  const lineFailures = line.unverifiable();
  const facts = await Promise.all(
    equipmentIds.map(async (equipmentId): Promise<[string, EquipmentFacts]> => {
      const own = failureRecorder();
      const [equipmentState, manualOverrides] = await Promise.all([
        own.attempt('the hot state', () => reads.hotState.getCell(equipmentId), undefined),
        own.attempt('the manual overrides', () => manualOverridesFor(reads.overrides, equipmentId), []),
      ]);
      return [
        equipmentId,
        {
          equipmentState,
          manualOverrides,
          readback: readbacks.find((r) => r.equipmentId === equipmentId),
          commands: commands.filter((c) => c.equipmentId === equipmentId),
          unverifiable: own.unverifiable(lineFailures),
        },
      ];
    }),
  );
  return new Map(facts);
}

/**
 * The envelope context for `commandId` from the facts. Per field:
 * - real movement within the hour = every command of ours that was sent (or approved and about to be), by the move
 *   it was approved for, plus every change made outside the platform, by the movement the plant's reports show;
 * - "unconfirmed" values = what our sent commands may have put in place that no report shows yet: a command no
 *   reported change confirms counts, unless it is final and the plant has reported the field since it was last sent
 *   (with the clock-skew allowance) — then the report is the truth. Each unconfirmed value bounds the step.
 */
export function envelopeContextOf(
  facts: EquipmentFacts,
  commandId: string,
  nowMs: number,
  limits: EnvelopeLimits,
): EnvelopeContext {
  const reported = facts.readback?.fields ?? {};
  const changes = facts.readback?.recent ?? [];
  const unconfirmed: Partial<Record<SetPointField, number[]>> = {};
  const moves: RecentMove[] = [];
  const windowStart = nowMs - RATE_WINDOW_MS;
  for (const c of changes) {
    if (c.origin === 'external' && c.atMs > windowStart)
      moves.push({ commandId: c.id, field: c.field, moveAbs: c.moveAbs, atMs: c.atMs });
  }
  for (const d of facts.commands) {
    if (d.commandId === commandId) continue;
    const sentAtMs = lastSentAtMs(d);
    if (sentAtMs === undefined) continue;
    const open = d.state === 'approved' || d.state === 'dispatched';
    for (const field of fieldsOf(d.setPoint)) {
      const delta = d.deltas[field];
      if (delta !== undefined && sentAtMs > windowStart)
        moves.push({ commandId: d.commandId, field, moveAbs: Math.abs(delta), atMs: sentAtMs });
      if (changes.some((c) => c.commandId === d.commandId && c.field === field)) continue;
      const report = reported[field];
      if (!open && report && report.tsMs > sentAtMs + limits.clockSkewToleranceMs) continue;
      (unconfirmed[field] ??= []).push(d.setPoint[field]!);
    }
  }
  return {
    nowMs,
    equipmentState: facts.equipmentState,
    manualOverrides: facts.manualOverrides,
    reported,
    unconfirmed,
    recentMoves: moves,
    unverifiable: facts.unverifiable,
  };
}

/**
 * When the command last left (or may leave) for the plant: its last dispatch, or its approval while it waits to be
 * sent. Undefined for a command that never reached the plant and never will (proposed, rejected, failed unsent).
 */
function lastSentAtMs(d: CommandDoc): number | undefined {
  if (d.state === 'proposed' || d.state === 'rejected') return undefined;
  if (d.attempts === 0) return d.state === 'approved' ? enteredAtMs(d, 'approved') : undefined;
  return enteredAtMs(d, 'dispatched');
}
