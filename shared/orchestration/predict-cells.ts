/**
 * Step 2 of an optimisation run, one chunk of cells per activity (the orchestrator fans these out): describe each
 * cell from its measurements (measured-state.ts), calibrate the steady-state model to it and predict its present
 * operating point. Cells that cannot be described or calibrated are held out of the optimisation, with the reason.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import { calibrateCell, predictCell } from '../optimize/steady-state.js';
import { CellInput } from '../optimize/schema.js';
import { PhysicsError } from '../physics/errors.js';
import type { PlantIndex } from '../plant/plant-index.js';
import { assumedOperationOf } from '../plant/technology-design.js';
import { RunError } from './errors.js';
import { getJson, putJson } from './lake-json.js';
import { SnapshotChunk } from './line-snapshot.js';
import { measuredCellInput, type MeasurementContext } from './measured-state.js';
import { HeldEquipment, LakeRef } from './schemas.js';

export const PredictCellsRequest = z.object({
  runId: z.string(),
  lineId: z.string(),
  /** The plant-model version the run started on (its cells are modelled with that version's technology). */
  plantVersion: z.string().min(1),
  lineCurrentKA: z.number().positive(),
  snapshotAtMs: z.number(),
  maxReadingAgeMs: z.number().int().positive(),
  chunk: LakeRef,
  out: LakeRef,
});
export type PredictCellsRequest = z.infer<typeof PredictCellsRequest>;

/** A cell the optimiser will see: its input, where each value came from, and its predicted present state. */
export const PredictedCell = z.object({
  input: CellInput,
  sources: z.record(z.string(), z.string()),
  measuredVoltageV: z.number(),
  /** Where the bath chemistry came from: a fresh lab sample, or the technology's with the reason it fell back. */
  chemistry: z.object({ source: z.enum(['lab', 'assumed']), note: z.string() }).optional(),
  present: z.object({
    cellVoltageV: z.number(),
    bathTempC: z.number(),
    superheatK: z.number(),
    ledgeThicknessCm: z.number(),
    secKWhPerKg: z.number(),
    productionKgPerDay: z.number(),
  }),
});
export type PredictedCell = z.infer<typeof PredictedCell>;

/** The predictions of one chunk as written to the lake. */
export const PredictionsChunk = z.object({
  lineId: z.string(),
  cells: z.array(PredictedCell),
  excluded: z.array(HeldEquipment),
});
export type PredictionsChunk = z.infer<typeof PredictionsChunk>;

/** What the orchestrator gets back (small: the predictions stay in the lake). */
export const PredictCellsResult = z.object({
  ref: LakeRef,
  cells: z.number().int(),
  /** Cells in the optimisation but fixed: a manual override is in force. */
  manual: z.array(HeldEquipment),
  /** Cells left out of the optimisation. */
  excluded: z.array(HeldEquipment),
  /** Modelled cells described with a fresh bath sample's chemistry, and with the technology's (no fresh sample). */
  chemistry: z.object({ fromLab: z.number().int(), assumed: z.number().int() }).optional(),
});
export type PredictCellsResult = z.infer<typeof PredictCellsResult>;

export interface PredictCellsDeps {
  lake: LakeStore;
  /** The plant model at a version (PlantModelSource.at). */
  plantAt(version: string): Promise<PlantIndex>;
}

/** Describes and predicts one chunk of cells; idempotent (the same chunk always gives the same blob). */
export async function predictCells(deps: PredictCellsDeps, req: PredictCellsRequest): Promise<PredictCellsResult> {
  const [chunk, plant] = await Promise.all([
    getJson(deps.lake, req.chunk, SnapshotChunk),
    deps.plantAt(req.plantVersion),
  ]);
  const line = plant.line(req.lineId);
  if (!line)
    throw new RunError('ERR-RUN-PLANT-LINE', 'lineId', `line ${req.lineId} is not in plant model ${plant.version}`);
  const ctx: MeasurementContext = {
    lineCurrentKA: req.lineCurrentKA,
    nowMs: req.snapshotAtMs,
    maxReadingAgeMs: req.maxReadingAgeMs,
    anodeEffectThresholdV: line.line.envelope.anodeEffectThresholdV,
    technology: assumedOperationOf(line.technology),
    bathSampleMaxAgeMs: line.line.lab.bathSampleMaxAgeH * 3_600_000,
  };
  const cells: PredictedCell[] = [];
  const excluded: HeldEquipment[] = [];
  const manual: HeldEquipment[] = [];
  for (const snapshot of chunk.cells) {
    const measured = measuredCellInput(snapshot, ctx);
    if (!measured.ok) {
      excluded.push({ equipmentId: measured.cellId, reason: measured.reason });
      continue;
    }
    try {
      const model = calibrateCell(measured.input, req.lineCurrentKA);
      const p = predictCell(model, model.present, req.lineCurrentKA);
      cells.push({
        input: measured.input,
        sources: measured.sources,
        measuredVoltageV: measured.measuredVoltageV,
        chemistry: measured.chemistry,
        present: {
          cellVoltageV: p.cellVoltageV,
          bathTempC: p.bathTempC,
          superheatK: p.superheatK,
          ledgeThicknessCm: p.ledgeThicknessCm,
          secKWhPerKg: p.secKWhPerKg,
          productionKgPerDay: p.productionKgPerDay,
        },
      });
      if (snapshot.manual.length > 0)
        manual.push({
          equipmentId: snapshot.cellId,
          reason: `manual override ${snapshot.manual.map((m) => `${m.scopeKey} by ${m.requestedBy}: ${m.reason}`).join('; ')}`,
        });
    } catch (err) {
      if (!(err instanceof PhysicsError)) throw err;
      excluded.push({
        equipmentId: snapshot.cellId,
        reason: `the cell model cannot be calibrated to its state: ${err.message}`,
      });
    }
  }
  const ref = await putJson(deps.lake, req.out, { lineId: req.lineId, cells, excluded } satisfies PredictionsChunk);
  const fromLab = cells.filter((c) => c.chemistry?.source === 'lab').length;
  return { ref, cells: cells.length, manual, excluded, chemistry: { fromLab, assumed: cells.length - fromLab } };
}
