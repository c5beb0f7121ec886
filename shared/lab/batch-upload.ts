/**
 * A batch of lab samples, row by row: each row is parsed and checked on its own (shape, a cell of the plant model in
 * force, a sampling time not in the future, a sample id not repeated in the batch) and answered with a code, its index
 * and the field at fault, so the lab fixes the few bad rows and the good ones are stored at once.
 */
import { createHash } from 'node:crypto';
import type { PlantIndex } from '../plant/plant-index.js';
import { LabSampleRow, storedSampleOf, type StoredLabSample } from './lab-sample.js';

/** Most rows one upload may carry (a day of a 1,000-cell plant's bath and metal samples, twice over). */
export const LAB_BATCH_MAX_ROWS = 5000;
/** How far ahead of the receiving clock a sampling time may be, ms: lab PCs' clocks drift a little, not by hours. */
export const LAB_CLOCK_SKEW_MS = 5 * 60_000;

/** Why a row was refused. */
export const LabRowCode = {
  /** The row is not a bath or metal sample of the documented shape (the field names what is wrong). */
  invalid: 'ERR-LAB-ROW-INVALID',
  /** The cell is not in the plant model in force. */
  unknownCell: 'ERR-LAB-UNKNOWN-CELL',
  /** The sampling time is after the time the batch arrived. */
  future: 'ERR-LAB-SAMPLED-IN-FUTURE',
  /** Another row of the same batch carries the same sample id. */
  duplicate: 'ERR-LAB-DUPLICATE-SAMPLE',
} as const;

export interface RowRejection {
  /** Position of the row in `samples`, from 0. */
  index: number;
  sampleId?: string;
  code: (typeof LabRowCode)[keyof typeof LabRowCode];
  /** The field at fault, as a path from the body: `samples[3].alf3Pct`. */
  field: string;
  message: string;
}

export interface CheckedBatch {
  /** Names the batch: the first 16 hex digits of the SHA-256 of its rows as sent (a re-sent batch keeps its id). */
  uploadId: string;
  accepted: StoredLabSample[];
  rejected: RowRejection[];
}

/** Parses and checks every row of an upload against the plant model in force. */
export function checkLabBatch(rows: readonly unknown[], plant: PlantIndex, receivedAtMs: number): CheckedBatch {
  const uploadId = createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);
  const accepted: StoredLabSample[] = [];
  const rejected: RowRejection[] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, index) => {
    const at = (field: string) => `samples[${index}]${field ? `.${field}` : ''}`;
    const idOf = (raw as { sampleId?: unknown } | null)?.sampleId;
    const sampleId = typeof idOf === 'string' ? { sampleId: idOf } : {};
    const parsed = LabSampleRow.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      rejected.push({
        index,
        ...sampleId,
        code: LabRowCode.invalid,
        field: at(issue.path.map(String).join('.')),
        message: `${issue.message}${issue.path.length === 0 ? ' (a row is an object with kind "bath" or "metal")' : ''}`,
      });
      return;
    }
    const row = parsed.data;
    const cell = plant.cell(row.cellId);
    if (!cell) {
      rejected.push({
        index,
        sampleId: row.sampleId,
        code: LabRowCode.unknownCell,
        field: at('cellId'),
        message: `cell ${row.cellId} is not in plant model ${plant.version}; check the cell id the lab recorded`,
      });
      return;
    }
    if (Date.parse(row.sampledAt) > receivedAtMs + LAB_CLOCK_SKEW_MS) {
      rejected.push({
        index,
        sampleId: row.sampleId,
        code: LabRowCode.future,
        field: at('sampledAt'),
        message: `sampled at ${row.sampledAt}, after the batch arrived (${new Date(receivedAtMs).toISOString()}); check the lab's clock and time zone`,
      });
      return;
    }
    const first = seen.get(row.sampleId);
    if (first !== undefined) {
      rejected.push({
        index,
        sampleId: row.sampleId,
        code: LabRowCode.duplicate,
        field: at('sampleId'),
        message: `sample ${row.sampleId} is also row ${first} of this batch; send each sample once`,
      });
      return;
    }
    seen.set(row.sampleId, index);
    accepted.push(storedSampleOf(row, cell.line.line.lineId, receivedAtMs, uploadId));
  });
  return { uploadId, accepted, rejected };
}
