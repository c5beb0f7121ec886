/**
 * The PLCs' read-back of their active set points, as a plant reports it: every field of every cell (and the line
 * current of each rectifier) on a fixed refresh, and at once whenever a set point changes (report by exception),
 * whoever changed it. Read-back is the plant's own word, so no data fault is ever injected into it. It comes on top
 * of the sensor rate (`ratePerMin` plans the sensors alone), as a separate stream would.
 */
import { READBACK_TAG } from '../../shared/scada/readback.js';
import type { SetPointField } from '../../shared/plant/set-point.js';
import { tagSpec } from '../../shared/telemetry/tag-catalogue.js';
import type { CellState } from './cell.js';
import type { LineState } from './line.js';
import type { EmittedPoint } from './point.js';
import type { Potline, PotlineEvent, SetPoint } from './potline.js';
import type { Rng } from './prng.js';
import { lineSensorCellId } from './tags.js';

/** Refresh interval of the read-back, ms: well inside the envelope's 60 s staleness limit, with room for a lost report. */
export const READBACK_INTERVAL_MS = 10_000;
/** The set points a pot's PLC holds (the rectifier holds line current). */
export const CELL_READBACK_FIELDS = [
  'acdCm',
  'feedIntervalS',
  'alf3AdditionKgPerDay',
] as const satisfies readonly SetPointField[];

interface Reporter {
  lineId: string;
  cellId: string;
  fields: readonly SetPointField[];
  read: (field: SetPointField) => number;
  nextDueMs: number;
  /** Sequence number per field (per tag), as every sensor of the contract counts its own points. */
  seq: Partial<Record<SetPointField, number>>;
}

export interface ReadbackReporters {
  /** Read-back points due in (previous step, stepEndMs], plus a report of every set point changed by `events`. */
  collect(events: readonly PotlineEvent[], stepEndMs: number, emit: (point: EmittedPoint) => void): void;
}

/** One reporter per cell and per rectifier, each on its own phase of the refresh interval. */
export function createReadbackReporters(potline: Potline, rng: Rng): ReadbackReporters {
  const startMs = potline.nowMs();
  const reporters = new Map<string, Reporter>();
  const add = (lineId: string, cellId: string, fields: readonly SetPointField[], read: (f: SetPointField) => number) =>
    reporters.set(cellId, {
      lineId,
      cellId,
      fields,
      read,
      nextDueMs: startMs + rng.uniform(0, READBACK_INTERVAL_MS),
      seq: {},
    });
  for (const line of potline.lines)
    add(line.lineId, lineSensorCellId(line.lineId), ['lineCurrentKA'], () => lineSetPoint(line));
  for (const cell of potline.cells)
    add(cell.params.lineId, cell.params.cellId, CELL_READBACK_FIELDS, (f) => cellSetPoint(cell, f));

  const report = (r: Reporter, fields: readonly SetPointField[], tsMs: number, emit: (p: EmittedPoint) => void) => {
    for (const field of fields) {
      const tag = READBACK_TAG[field];
      const seq = (r.seq[field] = (r.seq[field] ?? 0) + 1);
      emit({
        lineId: r.lineId,
        cellId: r.cellId,
        tag,
        ts: tsMs,
        value: r.read(field),
        unit: tagSpec(tag)!.canonicalUnit,
        quality: 'good',
        seq,
      });
    }
  };

  return {
    collect(events, stepEndMs, emit) {
      for (const e of events) {
        if (e.type !== 'setpoint_applied' && e.type !== 'hmi_change') continue;
        const changed = fieldsOf(e.applied);
        const line = changed.includes('lineCurrentKA')
          ? reporters.get(lineSensorCellId(potline.cell(e.cellId)?.params.lineId ?? e.cellId.split('-')[0]!))
          : undefined;
        if (line) report(line, ['lineCurrentKA'], e.tsMs, emit);
        const own = reporters.get(e.cellId);
        const cellFields = changed.filter((f) => f !== 'lineCurrentKA');
        if (own && cellFields.length > 0) report(own, cellFields, e.tsMs, emit);
      }
      for (const r of reporters.values()) {
        while (r.nextDueMs <= stepEndMs) {
          report(r, r.fields, Math.round(r.nextDueMs), emit);
          r.nextDueMs += READBACK_INTERVAL_MS;
        }
      }
    },
  };
}

function cellSetPoint(cell: CellState, field: SetPointField): number {
  if (field === 'acdCm') return cell.acdTargetCm;
  if (field === 'feedIntervalS') return cell.feedIntervalS;
  if (field === 'alf3AdditionKgPerDay') return cell.alf3AdditionKgPerDay;
  throw new RangeError(`a pot's PLC holds no ${field}`);
}

const lineSetPoint = (line: LineState) => line.baseKA;

function fieldsOf(sp: SetPoint): SetPointField[] {
  return (Object.keys(sp) as SetPointField[]).filter((f) => sp[f] !== undefined);
}
