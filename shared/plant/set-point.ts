import { z } from 'zod';
import { CellId } from '../telemetry/ids.js';

/**
 * The set points the plant's PLCs accept (what local/simulator's `applySetPoint` takes). Bounds here are only
 * physical sanity (a finite number); the safety envelope decides what is allowed.
 */
export const SET_POINT_FIELDS = ['acdCm', 'feedIntervalS', 'lineCurrentKA', 'alf3AdditionKgPerDay'] as const;
export const SetPointField = z.enum(SET_POINT_FIELDS);
export type SetPointField = z.infer<typeof SetPointField>;

const finite = z.number().finite();

/** Values for some of the set-point fields, at least one. */
export const SetPointValues = z
  .object({
    acdCm: finite.optional(),
    feedIntervalS: finite.optional(),
    lineCurrentKA: finite.optional(),
    alf3AdditionKgPerDay: finite.optional(),
  })
  .strict()
  .refine((v) => SET_POINT_FIELDS.some((f) => v[f] !== undefined), {
    message: 'must name at least one set point (acdCm, feedIntervalS, lineCurrentKA, alf3AdditionKgPerDay)',
  });
export type SetPointValues = z.infer<typeof SetPointValues>;

/** Present values as the proposer saw them: the envelope's step baseline when no acknowledged command is known. */
export const PresentValues = z
  .object({
    acdCm: finite.optional(),
    feedIntervalS: finite.optional(),
    lineCurrentKA: finite.optional(),
    alf3AdditionKgPerDay: finite.optional(),
  })
  .strict();
export type PresentValues = z.infer<typeof PresentValues>;

/** The one command action the gateway sends today (a Sparkplug DCMD writing the device's `Setpoints/*` metrics). */
export const CommandAction = z.enum(['setpoint']);
export type CommandAction = z.infer<typeof CommandAction>;

/** Equipment a command addresses: a cell (`L1-C001`) or a line's rectifier (`L1-LINE`, line current only). */
export const EquipmentId = CellId;

/** Suffix of a line's pseudo-cell id (DESIGN §4: line-level points use `<lineId>-LINE`). */
export const LINE_EQUIPMENT_SUFFIX = '-LINE';

/** True when the equipment is a line (its rectifier), not a cell. */
export function isLineEquipment(equipmentId: string): boolean {
  return equipmentId.endsWith(LINE_EQUIPMENT_SUFFIX);
}

/** The line an equipment id belongs to: `L1-C001` and `L1-LINE` → `L1` (the plant's naming, DESIGN §4). */
export function lineOfEquipment(equipmentId: string): string {
  const dash = equipmentId.indexOf('-');
  return dash < 0 ? equipmentId : equipmentId.slice(0, dash);
}

/** The fields a set point names, in the canonical order. */
export function fieldsOf(values: PresentValues): SetPointField[] {
  return SET_POINT_FIELDS.filter((f) => values[f] !== undefined);
}
