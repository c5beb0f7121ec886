/**
 * Lab analyses of a cell, as a plant's laboratory (LIMS) reports them: bath samples (excess AlF3, CaF2, alumina, and
 * when the lab takes them the bath temperature and liquidus) and metal samples (Fe, Si). Rows arrive in batches; each
 * row is parsed on its own so one bad row does not cost the good ones (batch-upload.ts).
 */
import { z } from 'zod';
import { CellId } from '../telemetry/ids.js';

const pct = (max: number) => z.number().finite().min(0).max(max);

/** The lab's own id of a sample (unique per lab): a re-sent sample replaces the one stored under the same id. */
export const SampleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$/, 'must be 1–80 letters, digits or . _ : / -, starting alphanumeric');

const common = {
  sampleId: SampleId,
  cellId: CellId,
  /** When the sample was taken from the cell (not when it was analysed), ISO 8601 with a zone. */
  sampledAt: z.iso.datetime({ offset: true }),
  /** The laboratory or analyser that reported it. */
  lab: z.string().min(1).max(64).optional(),
};

/** A bath sample: the chemistry the optimiser otherwise assumes (wt %), and what the lab measured of the bath. */
export const BathSampleRow = z.strictObject({
  kind: z.literal('bath'),
  ...common,
  /** Excess AlF3 over cryolite, wt % (XRD/XRF of the frozen sample). */
  alf3Pct: pct(25),
  caf2Pct: pct(12),
  /** Alumina at the moment of sampling, wt % (it moves within minutes with the feed cycle; kept for the record). */
  aluminaPct: pct(10).optional(),
  mgf2Pct: pct(6).optional(),
  lifPct: pct(6).optional(),
  /** Bath temperature and liquidus the lab measured with the sample (a dip thermocouple, a cryoscopic probe), °C. */
  bathTempC: z.number().finite().min(900).max(1100).optional(),
  liquidusC: z.number().finite().min(850).max(1050).optional(),
  /** Superheat, K: as reported, else bath temperature − liquidus when both are given. */
  superheatK: z.number().finite().min(-20).max(60).optional(),
});
export type BathSampleRow = z.infer<typeof BathSampleRow>;

/** A metal sample from the pad: the impurities the product grade limits, wt %. */
export const MetalSampleRow = z.strictObject({
  kind: z.literal('metal'),
  ...common,
  fePct: pct(5),
  siPct: pct(5),
});
export type MetalSampleRow = z.infer<typeof MetalSampleRow>;

/** One row of an upload. */
export const LabSampleRow = z.discriminatedUnion('kind', [BathSampleRow, MetalSampleRow]);
export type LabSampleRow = z.infer<typeof LabSampleRow>;

/** A sample as stored: the row, normalised, with its line and when and in which upload it arrived. */
export const StoredLabSample = z.object({
  sampleId: z.string(),
  lineId: z.string(),
  cellId: z.string(),
  kind: z.enum(['bath', 'metal']),
  sampledAtMs: z.number(),
  sampledAt: z.string(),
  receivedAtMs: z.number(),
  uploadId: z.string(),
  lab: z.string().nullable(),
  alf3Pct: z.number().nullable(),
  caf2Pct: z.number().nullable(),
  aluminaPct: z.number().nullable(),
  mgf2Pct: z.number().nullable(),
  lifPct: z.number().nullable(),
  bathTempC: z.number().nullable(),
  liquidusC: z.number().nullable(),
  superheatK: z.number().nullable(),
  fePct: z.number().nullable(),
  siPct: z.number().nullable(),
});
export type StoredLabSample = z.infer<typeof StoredLabSample>;

/** A stored sample from a parsed row. */
export function storedSampleOf(
  row: LabSampleRow,
  lineId: string,
  receivedAtMs: number,
  uploadId: string,
): StoredLabSample {
  const sampledAtMs = Date.parse(row.sampledAt);
  const bath = row.kind === 'bath' ? row : undefined;
  const superheat =
    bath?.superheatK ??
    (bath?.bathTempC !== undefined && bath.liquidusC !== undefined
      ? Math.round((bath.bathTempC - bath.liquidusC) * 100) / 100
      : undefined);
  return {
    sampleId: row.sampleId,
    lineId,
    cellId: row.cellId,
    kind: row.kind,
    sampledAtMs,
    sampledAt: new Date(sampledAtMs).toISOString(),
    receivedAtMs,
    uploadId,
    lab: row.lab ?? null,
    alf3Pct: bath?.alf3Pct ?? null,
    caf2Pct: bath?.caf2Pct ?? null,
    aluminaPct: bath?.aluminaPct ?? null,
    mgf2Pct: bath?.mgf2Pct ?? null,
    lifPct: bath?.lifPct ?? null,
    bathTempC: bath?.bathTempC ?? null,
    liquidusC: bath?.liquidusC ?? null,
    superheatK: superheat ?? null,
    fePct: row.kind === 'metal' ? row.fePct : null,
    siPct: row.kind === 'metal' ? row.siPct : null,
  };
}
