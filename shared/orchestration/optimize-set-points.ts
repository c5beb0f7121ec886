/**
 * Step 3 of an optimisation run: the line problem from the predicted cells, the line's constraints and what earlier
 * rounds had to hold, solved by shared/optimize. The full recommendation goes to the lake; the orchestrator gets
 * its summary.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import { optimizeLine } from '../optimize/optimize-line.js';
import { UserConstraint, type CellInput, type LineProblemInput, type Rectifier } from '../optimize/schema.js';
import type { PlantIndex } from '../plant/plant-index.js';
import type { PlantLine } from '../plant/schema.js';
import { RunError } from './errors.js';
import { type Recommendation } from '../optimize/recommendation.js';
import { getJson, putJson } from './lake-json.js';
import { PredictionsChunk } from './predict-cells.js';
import { HeldEquipment, LakeRef } from './schemas.js';

export const OptimizeRequest = z.object({
  runId: z.string(),
  lineId: z.string(),
  /** The plant-model version the run started on: the line's rectifier, optimiser windows and cell count. */
  plantVersion: z.string().min(1),
  round: z.number().int().min(1),
  lineCurrentKA: z.number().positive(),
  predictions: z.array(LakeRef).min(1),
  userConstraints: z.array(UserConstraint),
  /** Cells the optimiser must not move (manual overrides, refusals of an earlier envelope round). */
  hold: z.array(HeldEquipment),
  /** Why the line current must stay where it is, if it must. */
  freezeLineCurrent: z.string().optional(),
  out: LakeRef,
});
export type OptimizeRequest = z.infer<typeof OptimizeRequest>;

export const OptimizeResult = z.object({
  ref: LakeRef,
  optimizerStatus: z.enum(['optimal', 'improved', 'unchanged', 'infeasible']),
  baselineKWhPerKg: z.number().nullable(),
  objectiveKWhPerKg: z.number().nullable(),
  secChangePct: z.number().nullable(),
  /** Set-point changes the optimiser proposes (cell variables and the line current). */
  changes: z.number().int(),
  lineCurrentChange: z.object({ fromKA: z.number(), toKA: z.number() }).optional(),
  /** User constraints left out because their cell is not in this run (no usable state), with the reason. */
  droppedConstraints: z.array(z.object({ constraint: UserConstraint, reason: z.string() })),
  /** For an infeasible answer: what is violated (first few). */
  violations: z.array(z.string()),
});
export type OptimizeResult = z.infer<typeof OptimizeResult>;

/** What an optimisation round writes to the lake. */
export const RoundRecommendation = z.object({
  runId: z.string(),
  lineId: z.string(),
  round: z.number().int(),
  problem: z.object({
    lineCurrentKA: z.number(),
    cells: z.number().int(),
    hold: z.array(HeldEquipment),
    freezeLineCurrent: z.string().optional(),
    userConstraints: z.array(UserConstraint),
  }),
  recommendation: z.custom<Recommendation>((v) => typeof v === 'object' && v !== null && 'status' in v),
});
export type RoundRecommendation = z.infer<typeof RoundRecommendation>;

export interface OptimizeDeps {
  lake: LakeStore;
  /** The plant model at a version (PlantModelSource.at). */
  plantAt(version: string): Promise<PlantIndex>;
}

/** Builds and solves the line problem; idempotent (the optimiser is deterministic and the blob name is fixed). */
export async function optimizeSetPoints(deps: OptimizeDeps, req: OptimizeRequest): Promise<OptimizeResult> {
  const plant = await deps.plantAt(req.plantVersion);
  const plantLine = plant.line(req.lineId)?.line;
  if (!plantLine)
    throw new RunError('ERR-RUN-PLANT-LINE', 'lineId', `line ${req.lineId} is not in plant model ${plant.version}`);
  const chunks = await Promise.all(req.predictions.map((ref) => getJson(deps.lake, ref, PredictionsChunk)));
  const holdIds = new Set(req.hold.map((h) => h.equipmentId));
  const cells: CellInput[] = chunks
    .flatMap((c) => c.cells)
    .map((p) => (holdIds.has(p.input.cellId) ? { ...p.input, manual: true } : p.input));
  const present = new Set(cells.map((c) => c.cellId));
  const userConstraints: UserConstraint[] = [];
  const droppedConstraints: OptimizeResult['droppedConstraints'] = [];
  for (const u of req.userConstraints) {
    if (u.scope === 'cell' && !present.has(u.cellId))
      droppedConstraints.push({
        constraint: u,
        reason: `${u.cellId} is not in this run (no usable state); it keeps its present set points anyway`,
      });
    else userConstraints.push(u);
  }
  if (req.freezeLineCurrent)
    userConstraints.push({ scope: 'line', variable: 'lineCurrentKA', freeze: true, reason: req.freezeLineCurrent });

  const problem: LineProblemInput = {
    lineId: req.lineId,
    lineCurrentKA: req.lineCurrentKA,
    rectifier: rectifierFor(plantLine, cells.length, req.lineCurrentKA),
    constraints: plantLine.optimiser,
    cells,
    userConstraints,
  };
  const rec = await optimizeLine(problem);
  const written: RoundRecommendation = {
    runId: req.runId,
    lineId: req.lineId,
    round: req.round,
    problem: {
      lineCurrentKA: req.lineCurrentKA,
      cells: cells.length,
      hold: req.hold,
      ...(req.freezeLineCurrent ? { freezeLineCurrent: req.freezeLineCurrent } : {}),
      userConstraints,
    },
    recommendation: rec,
  };
  const ref = await putJson(deps.lake, req.out, written);
  const line = rec.changes.find((c) => c.variable === 'lineCurrentKA');
  return {
    ref,
    optimizerStatus: rec.status,
    baselineKWhPerKg: finiteOrNull(rec.secKWhPerKg.before),
    objectiveKWhPerKg: finiteOrNull(rec.secKWhPerKg.after),
    secChangePct: finiteOrNull(rec.secKWhPerKg.changePct),
    changes: rec.changes.length,
    ...(line ? { lineCurrentChange: { fromKA: line.from, toKA: line.to } } : {}),
    droppedConstraints,
    violations: rec.status === 'infeasible' ? rec.violatedConstraints.slice(0, 5).map((v) => v.message) : [],
  };
}

/**
 * The rectifier as the optimiser sees it: the rating narrowed to the safety envelope's line-current limits (a run
 * never proposes what the dispatcher would refuse), widened to the present current (a line running outside is not
 * infeasible by definition), and the DC voltage rating shared by the modelled cells (the cells left out keep their
 * share; with any left out the line current is frozen anyway).
 */
export function rectifierFor(line: PlantLine, modelledCells: number, presentKA: number): Rectifier {
  const envelope = line.envelope.fields.lineCurrentKA;
  return {
    minCurrentKA: Math.min(Math.max(line.rectifier.minCurrentKA, envelope.min), presentKA),
    maxCurrentKA: Math.max(Math.min(line.rectifier.maxCurrentKA, envelope.max), presentKA),
    maxVoltageV: (line.rectifier.maxVoltageV * modelledCells) / line.cells.length,
  };
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
