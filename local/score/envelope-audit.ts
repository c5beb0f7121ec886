/**
 * An audit of every set point the plant applied on a command, against the plant's own values (the simulator's ground
 * truth, not anything the platform recorded): no command moved a field by more than the envelope's `maxStep` from
 * the value the PLC held, and no command brought a field's real movement in the rolling hour before it — the
 * operators' HMI changes included — beyond `maxMovePerHour`. Each cell is judged by its own line's limits (a 400 kA
 * line's rectifier is not held to a 126 kA line's rating); a move on equipment the plant model lacks is counted.
 */
import type { EnvelopeLimits } from '../../shared/plant/envelope-limits.js';
import { SET_POINT_FIELDS, type SetPointField } from '../../shared/plant/set-point.js';
import type { Label } from '../simulator/index.js';

export interface EnvelopeAudit {
  /** Field moves applied on a command and checked. */
  commandMovesChecked: number;
  /** Moves the plant's operators made at the HMI (out-of-band). */
  hmiMoves: number;
  maxStepViolations: number;
  maxMovePerHourViolations: number;
  /** Commanded moves on equipment the plant model does not know (no limits to judge them by: never sent). */
  unknownEquipmentMoves: number;
  /** The first few violations, described. */
  examples: string[];
}

const HOUR_MS = 3_600_000;
/** Rounding the plant reports with, far below any limit. */
const EPSILON = 1e-9;

/** The envelope limits of a cell, or undefined when the plant model does not have it (PlantIndex.envelopeLimitsFor). */
export type LimitsOfEquipment = (equipmentId: string) => EnvelopeLimits | undefined;

export function auditEnvelope(labels: readonly Label[], limitsOf: LimitsOfEquipment): EnvelopeAudit {
  const moves = new Map<string, { atMs: number; abs: number }[]>();
  const audit: EnvelopeAudit = {
    commandMovesChecked: 0,
    hmiMoves: 0,
    maxStepViolations: 0,
    maxMovePerHourViolations: 0,
    unknownEquipmentMoves: 0,
    examples: [],
  };
  const sorted = labels
    .filter((l) => l.kind === 'setpoint_applied' || l.kind === 'hmi_change')
    .sort((a, b) => (a.tsMs ?? 0) - (b.tsMs ?? 0));
  for (const l of sorted) {
    const applied = (l.detail?.applied ?? {}) as Partial<Record<SetPointField, number>>;
    const previous = (l.detail?.previous ?? {}) as Partial<Record<SetPointField, number>>;
    for (const field of SET_POINT_FIELDS) {
      const to = applied[field];
      const from = previous[field];
      if (to === undefined || from === undefined) continue;
      const key = `${l.cellId}|${field}`;
      const list = moves.get(key) ?? [];
      moves.set(key, list);
      const atMs = l.tsMs ?? 0;
      const abs = Math.abs(to - from);
      list.push({ atMs, abs });
      if (l.kind === 'hmi_change') {
        audit.hmiMoves++;
        continue;
      }
      audit.commandMovesChecked++;
      const limits = l.cellId === undefined ? undefined : limitsOf(l.cellId);
      if (!limits) {
        audit.unknownEquipmentMoves++;
        if (audit.examples.length < 5)
          audit.examples.push(`${l.cellId} ${field} ${from} → ${to}: not in the plant model`);
        continue;
      }
      const f = limits.fields[field];
      if (abs > f.maxStep + EPSILON) {
        audit.maxStepViolations++;
        if (audit.examples.length < 5)
          audit.examples.push(`${l.cellId} ${field} ${from} → ${to} at ${atMs}: step over ${f.maxStep}`);
      }
      const inHour = list.filter((m) => m.atMs > atMs - HOUR_MS).reduce((s, m) => s + m.abs, 0);
      if (inHour > f.maxMovePerHour + EPSILON) {
        audit.maxMovePerHourViolations++;
        if (audit.examples.length < 5)
          audit.examples.push(
            `${l.cellId} ${field} moved ${inHour.toFixed(3)} in the hour to ${atMs}: over ${f.maxMovePerHour}`,
          );
      }
    }
  }
  return audit;
}
