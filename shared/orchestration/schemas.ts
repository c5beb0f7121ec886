/**
 * What travels between the starters, the orchestrators and their activities, and what the runs publish. Everything
 * here is small: large data (snapshots, predictions, recommendations, PDE results) stays in the lake and travels as
 * a `LakeRef`, so orchestration history holds references, not payloads (DESIGN §5).
 */
import { z } from 'zod';
import { UserConstraint } from '../optimize/schema.js';
import { TraceCarrier } from '../observability/tracing.js';
import { LineId } from '../scada/override.js';

/** A blob in the lake: container and path inside it (and its size when known). */
export const LakeRef = z.object({
  container: z.string().min(1),
  path: z.string().min(1),
  bytes: z.number().int().min(0).optional(),
});
export type LakeRef = z.infer<typeof LakeRef>;

/** `advisory`: wait for an engineer's approval before anything is recommended; `closed-loop`: recommend at once. */
export const OptimizationMode = z.enum(['advisory', 'closed-loop']);
export type OptimizationMode = z.infer<typeof OptimizationMode>;

/** Who started a run: the API (a person or the ERP) or the schedule. */
export const RunTrigger = z.enum(['api', 'schedule']);
export type RunTrigger = z.infer<typeof RunTrigger>;

/** Input of `optimizationRun`; the run id is the instance id. */
export const OptimizationRunInput = z.object({
  lineId: LineId,
  mode: OptimizationMode,
  /** Constraints for this run only, applied on top of the line's stored ones (`v1/lines/{lineId}/constraints`). */
  userConstraints: z.array(UserConstraint).max(2000).default([]),
  /** How long an advisory run waits for its approval before it ends with no change, min. */
  approvalTimeoutMinutes: z.number().int().min(1).max(10_080),
  /** Token subject of who started it, or `schedule`. */
  requestedBy: z.string().min(1),
  trigger: RunTrigger,
  correlationId: z.string().min(1),
  /** Version of the model and optimiser code that runs it (the app version), fixed at start. */
  modelVersion: z.string().min(1),
  /** Version of the plant model the run describes its line with (technology, rectifier, windows), fixed at start. */
  plantVersion: z.string().min(1),
  /** The starter's trace context: every activity of the run continues that trace (shared/observability/tracing.ts). */
  trace: TraceCarrier.optional(),
});
export type OptimizationRunInput = z.infer<typeof OptimizationRunInput>;

/** Input of `pdeRun`; the run id is the instance id. */
export const PdeRunInput = z.object({
  modelId: z.string().min(1),
  requestedBy: z.string().min(1),
  correlationId: z.string().min(1),
  trace: TraceCarrier.optional(),
});
export type PdeRunInput = z.infer<typeof PdeRunInput>;

/** The decision carried by the `approval` external event. */
export const ApprovalDecision = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().min(1).max(500),
  /** Token subject of the approver. */
  decidedBy: z.string().min(1),
  decidedAtMs: z.number(),
  correlationId: z.string().min(1),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** Steps of an optimisation run, in order, as its custom status shows them. */
export const RUN_STEPS = [
  'loading-snapshot',
  'predicting',
  'optimizing',
  'checking-envelope',
  'awaiting-approval',
  'recording',
  'publishing',
  'completed',
  'failed',
] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/** What the run proposes, shown while it waits for approval and kept in its result. */
export const ProposalSummary = z.object({
  optimizerStatus: z.string(),
  baselineKWhPerKg: z.number().nullable(),
  objectiveKWhPerKg: z.number().nullable(),
  /** Predicted change of the line's specific energy, %. */
  secChangePct: z.number().nullable(),
  cellsChanged: z.number().int().min(0),
  lineCurrentChange: z.object({ fromKA: z.number(), toKA: z.number() }).optional(),
  recommendation: LakeRef,
});
export type ProposalSummary = z.infer<typeof ProposalSummary>;

/** The custom status of an optimisation run: `{ step, done, total }` plus what a reader needs at that step. */
export interface RunProgress {
  step: RunStep;
  done: number;
  total: number;
  lineId: string;
  mode: OptimizationMode;
  /** Envelope round (1 = first proposal; a refused proposal is re-optimised with the refused equipment held). */
  round?: number;
  proposal?: ProposalSummary;
  /** ISO time after which an unanswered approval means no change. */
  approvalDeadline?: string;
  reason?: string;
}

/** Status of a run as gold's `fact_optimization_run` records it (shared/gold/schema.ts). */
export const RunStatus = z.enum(['completed', 'failed', 'fallback']);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * How a run ended. `applied`: set points recommended; `unchanged`: the present set points are already the best the
 * model finds. Every other outcome keeps the present set points: `infeasible` (no safe proposal), `held-by-envelope`
 * (the safety envelope would refuse what remained), `rejected` / `expired` (advisory approval), `failed`.
 */
export const RunOutcome = z.enum([
  'applied',
  'unchanged',
  'infeasible',
  'held-by-envelope',
  'rejected',
  'expired',
  'failed',
]);
export type RunOutcome = z.infer<typeof RunOutcome>;

/** The gold status of an outcome: kept set points for a reason other than "already optimal" is a fallback. */
export function statusOfOutcome(outcome: RunOutcome): RunStatus {
  if (outcome === 'failed') return 'failed';
  return outcome === 'applied' || outcome === 'unchanged' ? 'completed' : 'fallback';
}

/** A cell (or `<line>-LINE`) the run did not move, and why. */
export const HeldEquipment = z.object({ equipmentId: z.string(), reason: z.string() });
export type HeldEquipment = z.infer<typeof HeldEquipment>;

/**
 * `data` of `smelter.optimization.completed` and `smelter.optimization.failed`. It carries every column of gold's
 * `fact_optimization_run` (runId, lineId, startedMs, completedMs, status, objectiveKWhPerKg, baselineKWhPerKg,
 * cellsChanged, modelVersion), so curation can build that fact from the ledger's archived payloads, plus what an
 * auditor asks next (who, which mode, why it kept the present set points, where the full recommendation is).
 */
export const OptimizationRunEventData = z.object({
  runId: z.string().min(1),
  lineId: LineId,
  startedMs: z.number(),
  completedMs: z.number(),
  status: RunStatus,
  objectiveKWhPerKg: z.number().nullable(),
  baselineKWhPerKg: z.number().nullable(),
  cellsChanged: z.number().int().min(0),
  modelVersion: z.string().min(1),
  /** The plant-model version the run described its line with (absent in runs recorded before plant models). */
  plantVersion: z.string().min(1).optional(),
  mode: OptimizationMode,
  trigger: RunTrigger,
  requestedBy: z.string(),
  outcome: RunOutcome,
  /** Why the run kept the present set points or failed. */
  reason: z.string().optional(),
  optimizerStatus: z.string().optional(),
  /** Set-point events published by this run (one per changed cell, plus the line's rectifier when it moves). */
  setPointEvents: z.number().int().min(0),
  heldEquipment: z.number().int().min(0),
  approval: ApprovalDecision.omit({ correlationId: true }).optional(),
  recommendation: LakeRef.optional(),
});
export type OptimizationRunEventData = z.infer<typeof OptimizationRunEventData>;

/** The orchestrator's output: the run as recorded, plus the summary of what it proposed. */
export const OptimizationRunResult = OptimizationRunEventData.extend({
  proposal: ProposalSummary.optional(),
  held: z.array(HeldEquipment),
});
export type OptimizationRunResult = z.infer<typeof OptimizationRunResult>;
