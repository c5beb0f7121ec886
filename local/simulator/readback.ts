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
  /** Plant time of the change last reported at once (reportNow), so the change's own event does not repeat it. */
  reportedNowAtMs: Partial<Record<SetPointField, number>>;
  /** Time stamped on that report: the refresh resumes after it, never with an older report of the field. */
  reportedNowTsMs: Partial<Record<SetPointField, number>>;
}

export interface ReadbackReporters {
  /** Read-back points due in (previous step, stepEndMs], plus a report of every set point changed by `events`. */
  collect(events: readonly PotlineEvent[], stepEndMs: number, emit: (point: EmittedPoint) => void): void;
  /**
   * Reports fields of one equipment now (a PLC reports a change it applied at once, by exception); the change's own
   * event then adds no second report.
   */
  reportNow(
    equipmentId: string,
    fields: readonly SetPointField[],
    tsMs: number,
    emit: (point: EmittedPoint) => void,
  ): void;
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
      reportedNowAtMs: {},
      reportedNowTsMs: {},
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

  const notYetReported = (r: Reporter, fields: readonly SetPointField[], tsMs: number) =>
    fields.filter((f) => r.reportedNowAtMs[f] !== tsMs);

  return {
    reportNow(equipmentId, fields, tsMs, emit) {
      const r = reporters.get(equipmentId);
      if (!r) return;
      const own = fields.filter((f) => r.fields.includes(f));
      for (const f of own) {
        r.reportedNowAtMs[f] = potline.nowMs();
        r.reportedNowTsMs[f] = tsMs;
      }
      report(r, own, tsMs, emit);
    },
    collect(events, stepEndMs, emit) {
      for (const e of events) {
        if (e.type !== 'setpoint_applied' && e.type !== 'hmi_change') continue;
        const changed = fieldsOf(e.applied);
        const line = changed.includes('lineCurrentKA')
          ? reporters.get(lineSensorCellId(potline.cell(e.cellId)?.params.lineId ?? e.cellId.split('-')[0]!))
          : undefined;
        if (line) report(line, notYetReported(line, ['lineCurrentKA'], e.tsMs), e.tsMs, emit);
        const own = reporters.get(e.cellId);
        const cellFields = changed.filter((f) => f !== 'lineCurrentKA');
        if (own && cellFields.length > 0) report(own, notYetReported(own, cellFields, e.tsMs), e.tsMs, emit);
      }
      for (const r of reporters.values()) {
        while (r.nextDueMs <= stepEndMs) {
          const dueMs = Math.round(r.nextDueMs);
          report(
            r,
            r.fields.filter((f) => (r.reportedNowTsMs[f] ?? -Infinity) < dueMs),
            dueMs,
            emit,
          );
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
