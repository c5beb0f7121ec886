/**
 * The bookkeeping of one optimisation run, kept by its orchestrator between steps: what was held and why, which
 * round's proposal stands, how it ended. Pure and deterministic (no clock, no I/O) so the orchestrator replays
 * identically; the orchestrator supplies every time from its replay-safe clock.
 */
import type { EnvelopeCheckResult } from './envelope-check.js';
import type { OptimizeResult } from './optimize-set-points.js';
import type { PredictCellsResult } from './predict-cells.js';
import { optimizationRunDir, runPaths } from './run-paths.js';
import {
  statusOfOutcome,
  type ApprovalDecision,
  type HeldEquipment,
  type LakeRef,
  type OptimizationRunInput,
  type OptimizationRunResult,
  type ProposalSummary,
  type RunOutcome,
  type RunProgress,
  type RunStep,
} from './schemas.js';

/** Cells per prediction activity: big enough that lake round trips do not dominate, small enough to fan out. */
export const PREDICTION_CHUNK_CELLS = 50;
/** Prediction activities awaited together (one `Task.all`); progress is reported after each wave. */
export const PREDICTION_WAVE = 8;
/** Optimise-and-check rounds before a run gives up on what the envelope still refuses. */
export const MAX_ENVELOPE_ROUNDS = 3;
/** A reading older than this does not describe the present (the envelope's stale-data interlock, 60 s). */
export const MAX_READING_AGE_MS = 60_000;

/** What to do after an envelope round. */
export type EnvelopeVerdict =
  | { next: 'accept' }
  | { next: 'retry'; hold: HeldEquipment[]; freezeLineCurrent?: string }
  | { next: 'give-up'; reason: string };

export class RunBook {
  readonly dir: string;
  /** Cells the optimisation cannot describe (left out) or must not move (manual, refused by the envelope). */
  readonly excluded: HeldEquipment[] = [];
  hold: HeldEquipment[] = [];
  freezeLineCurrent: string | undefined;
  usableCells = 0;
  /** Modelled cells whose bath chemistry came from a fresh lab sample, and those that fell back to the technology's. */
  readonly chemistry = { fromLab: 0, assumed: 0 };
  round = 0;
  proposal: ProposalSummary | undefined;
  envelope: EnvelopeCheckResult | undefined;
  approval: ApprovalDecision | undefined;
  outcome: RunOutcome | undefined;
  reason: string | undefined;

  constructor(
    readonly runId: string,
    readonly input: OptimizationRunInput,
    readonly startedMs: number,
  ) {
    this.dir = optimizationRunDir(input.lineId, runId, startedMs);
  }

  progress(step: RunStep, done: number, total: number, extra: Partial<RunProgress> = {}): RunProgress {
    return {
      step,
      done,
      total,
      lineId: this.input.lineId,
      mode: this.input.mode,
      ...(this.round > 0 ? { round: this.round } : {}),
      ...extra,
    };
  }

  /** Takes the prediction chunks in: who is left out, who is manual; the line current freezes if any cell is left out. */
  notePredictions(results: readonly PredictCellsResult[]): void {
    for (const r of results) {
      this.usableCells += r.cells;
      this.chemistry.fromLab += r.chemistry?.fromLab ?? 0;
      this.chemistry.assumed += r.chemistry?.assumed ?? 0;
      this.excluded.push(...r.excluded);
      this.hold.push(...r.manual);
    }
    // A line-current change moves every cell in series, the unmodelled ones too: only move it when all are modelled.
    if (this.excluded.length > 0)
      this.freezeLineCurrent = `${this.excluded.length} cell(s) of the line could not be modelled (e.g. ${this.excluded[0]!.equipmentId}: ${this.excluded[0]!.reason})`;
  }

  /** Where the next round writes its recommendation and its checked set points. */
  roundRefs(): { recommendation: LakeRef; setPoints: LakeRef } {
    return {
      recommendation: runPaths.roundRecommendation(this.dir, this.round),
      setPoints: runPaths.roundSetPoints(this.dir, this.round),
    };
  }

  /** Records a round's optimisation and envelope check and says what comes next. */
  afterEnvelope(opt: OptimizeResult, env: EnvelopeCheckResult): EnvelopeVerdict {
    this.proposal = {
      optimizerStatus: opt.optimizerStatus,
      baselineKWhPerKg: opt.baselineKWhPerKg,
      objectiveKWhPerKg: opt.objectiveKWhPerKg,
      secChangePct: opt.secChangePct,
      cellsChanged: env.cells,
      ...(opt.lineCurrentChange ? { lineCurrentChange: opt.lineCurrentChange } : {}),
      recommendation: opt.ref,
    };
    this.envelope = env;
    if (env.refused.length === 0) return { next: 'accept' };
    const refused = env.refused.map((r) => ({
      equipmentId: r.equipmentId,
      reason: `safety envelope (${r.rules.join(', ')}): ${r.message}`,
    }));
    if (this.round >= MAX_ENVELOPE_ROUNDS) {
      return {
        next: 'give-up',
        reason: `after ${this.round} rounds the safety envelope still refuses ${refused.length} set point(s), e.g. ${refused[0]!.equipmentId}: ${refused[0]!.reason}`,
      };
    }
    const line = refused.find((r) => r.equipmentId.endsWith('-LINE'));
    const holding = new Set(this.hold.map((h) => h.equipmentId));
    this.hold = [...this.hold, ...refused.filter((r) => r !== line && !holding.has(r.equipmentId))];
    if (line) this.freezeLineCurrent = line.reason;
    return {
      next: 'retry',
      hold: this.hold,
      ...(this.freezeLineCurrent ? { freezeLineCurrent: this.freezeLineCurrent } : {}),
    };
  }

  /** True when the standing proposal moves something. */
  get hasSetPoints(): boolean {
    return (this.envelope?.passed ?? 0) > 0;
  }

  /** The outcome when nothing waits for approval: applied, or why the present set points stay. */
  settleWithoutApproval(): void {
    if (this.outcome) return;
    if (this.hasSetPoints) this.outcome = 'applied';
    else if (this.proposal?.optimizerStatus === 'infeasible')
      this.end(
        'infeasible',
        'the optimiser found no proposal that keeps every constraint; the present set points stay',
      );
    else this.outcome = 'unchanged';
  }

  noteApproval(decision: ApprovalDecision): void {
    this.approval = decision;
    if (decision.decision === 'approve') this.outcome = 'applied';
    else this.end('rejected', `rejected by ${decision.decidedBy}: ${decision.reason}`);
  }

  noteApprovalExpired(deadlineIso: string): void {
    this.end('expired', `no approval by ${deadlineIso}; the present set points stay`);
  }

  end(outcome: RunOutcome, reason: string): void {
    this.outcome = outcome;
    this.reason = reason;
  }

  /** The run as recorded and published. */
  result(completedMs: number, recommendation?: LakeRef): OptimizationRunResult {
    const outcome = this.outcome ?? 'failed';
    const applied = outcome === 'applied';
    return {
      runId: this.runId,
      lineId: this.input.lineId,
      startedMs: this.startedMs,
      completedMs,
      status: statusOfOutcome(outcome),
      objectiveKWhPerKg: this.proposal?.objectiveKWhPerKg ?? null,
      baselineKWhPerKg: this.proposal?.baselineKWhPerKg ?? null,
      cellsChanged: applied ? (this.envelope?.cells ?? 0) : 0,
      modelVersion: this.input.modelVersion,
      plantVersion: this.input.plantVersion,
      mode: this.input.mode,
      trigger: this.input.trigger,
      requestedBy: this.input.requestedBy,
      outcome,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.proposal ? { optimizerStatus: this.proposal.optimizerStatus, proposal: this.proposal } : {}),
      setPointEvents: applied ? (this.envelope?.passed ?? 0) : 0,
      heldEquipment: this.excluded.length + this.hold.length,
      ...(this.approval
        ? {
            approval: {
              decision: this.approval.decision,
              reason: this.approval.reason,
              decidedBy: this.approval.decidedBy,
              decidedAtMs: this.approval.decidedAtMs,
            },
          }
        : {}),
      ...(recommendation ? { recommendation } : {}),
      held: [...this.excluded, ...this.hold],
      chemistry: { ...this.chemistry },
    };
  }
}

/** Splits `items` into consecutive groups of at most `size`. */
export function waves<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
