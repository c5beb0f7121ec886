/**
 * Lab samples over HTTP: `POST v1/lab-samples` takes a batch from the plant's laboratory (LIMS) and answers row by
 * row; `GET v1/cells/{cellId}/lab-samples` lists a cell's samples over a bounded range, newest first.
 */
import { z } from 'zod';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import { ApiError } from '../http/errors.js';
import { InstantParam, isoOf } from '../http/instant.js';
import type { LakeStore } from '../lake/lake-store.js';
import { checkLabBatch, LAB_BATCH_MAX_ROWS, LabRowCode } from '../lab/batch-upload.js';
import { StoredLabSample } from '../lab/lab-sample.js';
import { readLabSamples, writeLabBatch } from '../lab/lab-store.js';
import { CellId } from '../telemetry/ids.js';
import type { CurrentPlant } from './plant-ids.js';

/**
 * The upload. Rows are parsed one at a time after the body (a bath row: kind "bath", sampleId, cellId, sampledAt,
 * alf3Pct, caf2Pct, and optionally aluminaPct, mgf2Pct, lifPct, bathTempC, liquidusC, superheatK, lab; a metal row:
 * kind "metal", sampleId, cellId, sampledAt, fePct, siPct, lab), so a bad row is answered on its own.
 */
export const LabSampleUpload = z.strictObject({
  samples: z
    .array(
      z
        .unknown()
        .describe(
          'A bath sample {kind:"bath", sampleId, cellId, sampledAt, alf3Pct, caf2Pct, aluminaPct?, mgf2Pct?, lifPct?, bathTempC?, liquidusC?, superheatK?, lab?} or a metal sample {kind:"metal", sampleId, cellId, sampledAt, fePct, siPct, lab?}; wt % and °C',
        ),
    )
    .min(1)
    .max(LAB_BATCH_MAX_ROWS),
});
export type LabSampleUpload = z.infer<typeof LabSampleUpload>;

const RowRejectionView = z.object({
  index: z.number().int(),
  sampleId: z.string().optional(),
  code: z.enum(Object.values(LabRowCode) as [string, ...string[]]),
  field: z.string(),
  message: z.string(),
});

export const LabUploadResult = z.object({
  uploadId: z.string(),
  received: z.number().int(),
  accepted: z.number().int(),
  /** The samples stored, as they are kept (their line, times and upload). */
  samples: z.array(StoredLabSample),
  /** The rows refused, each with its code, index and field. */
  rejected: z.array(RowRejectionView),
});
export type LabUploadResult = z.infer<typeof LabUploadResult>;

export interface LabUploadDeps {
  lake: LakeStore;
  audit: AuditLog;
  plant: CurrentPlant;
  nowMs?: () => number;
}

/**
 * Stores the good rows and answers every bad one; 400 (every row named in `details`) when no row is good, so a batch
 * that stored nothing cannot pass for a success.
 */
export async function uploadLabSamples(
  deps: LabUploadDeps,
  body: LabSampleUpload,
  actor: Actor,
): Promise<LabUploadResult> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const batch = checkLabBatch(body.samples, await deps.plant.current(), nowMs);
  if (batch.accepted.length === 0) {
    const first = batch.rejected[0]!;
    throw new ApiError(
      'invalidInput',
      `No sample of the batch was stored: all ${batch.rejected.length} rows were refused (first: ${first.field}: ${first.message}).`,
      batch.rejected.map((r) => ({ field: `body.${r.field}`, issue: r.message, reason: r.code })),
    );
  }
  await writeLabBatch(deps.lake, body.samples, batch, nowMs);
  await deps.audit.record({
    entryId: `lab-samples.uploaded-${batch.uploadId}-${actor.correlationId}`,
    action: 'lab-samples.uploaded',
    resource: `lab-samples/${batch.uploadId}`,
    actor,
    atMs: nowMs,
    detail: { received: body.samples.length, accepted: batch.accepted.length, rejected: batch.rejected.length },
  });
  return {
    uploadId: batch.uploadId,
    received: body.samples.length,
    accepted: batch.accepted.length,
    samples: batch.accepted,
    rejected: batch.rejected,
  };
}

const DAY_MS = 86_400_000;
/** Longest range one read may span, days (a month of daily samples per kind). */
export const LAB_READ_MAX_DAYS = 62;
/** Range read when none is given, days back from now. */
const LAB_READ_DEFAULT_DAYS = 14;

export const CellLabPath = z.object({ cellId: CellId });
export const CellLabQuery = z
  .strictObject({
    from: InstantParam.optional(),
    to: InstantParam.optional(),
    kind: z.enum(['bath', 'metal']).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined) {
      if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      else if (q.to - q.from > LAB_READ_MAX_DAYS * DAY_MS)
        ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${LAB_READ_MAX_DAYS} days` });
    }
  });
export type CellLabQuery = z.infer<typeof CellLabQuery>;

export const CellLabSamples = z.object({
  cellId: z.string(),
  lineId: z.string(),
  from: z.string(),
  to: z.string(),
  /** Newest first; a sample re-sent under the same id shows as its newest report. */
  items: z.array(StoredLabSample),
  /** The line's metal-grade limits from the plant model, when it has them, wt %. */
  metalLimits: z.object({ maxFePct: z.number(), maxSiPct: z.number() }).optional(),
});
export type CellLabSamples = z.infer<typeof CellLabSamples>;

/** A cell's samples over [from, to) (default: the last 14 days); the cell is known to the plant (route plantIds). */
export async function cellLabSamples(
  deps: { lake: LakeStore; plant: CurrentPlant; nowMs?: () => number },
  cellId: string,
  q: CellLabQuery,
): Promise<CellLabSamples> {
  const plant = await deps.plant.current();
  const line = plant.cell(cellId)!.line.line;
  const to = q.to ?? (q.from !== undefined ? q.from + LAB_READ_DEFAULT_DAYS * DAY_MS : (deps.nowMs ?? Date.now)() + 1);
  const from = q.from ?? to - LAB_READ_DEFAULT_DAYS * DAY_MS;
  if (to - from > LAB_READ_MAX_DAYS * DAY_MS || to <= from)
    throw new ApiError('invalidInput', `The range may span at most ${LAB_READ_MAX_DAYS} days and must not be empty.`, [
      { field: q.to === undefined ? 'query.from' : 'query.to', issue: 'range out of bounds' },
    ]);
  const items = (await readLabSamples(deps.lake, line.lineId, from, to)).filter(
    (s) => s.cellId === cellId && (q.kind === undefined || s.kind === q.kind),
  );
  return {
    cellId,
    lineId: line.lineId,
    from: isoOf(from),
    to: isoOf(to),
    items,
    ...(line.lab.metalLimits ? { metalLimits: line.lab.metalLimits } : {}),
  };
}
