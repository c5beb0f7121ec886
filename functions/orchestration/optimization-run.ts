import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { EnvelopeCheckResult } from '../../shared/orchestration/envelope-check.js';
import type { LineSnapshot } from '../../shared/orchestration/line-snapshot.js';
import { Activity, APPROVAL_EVENT, Orchestration } from '../../shared/orchestration/names.js';
import type { OptimizeResult } from '../../shared/orchestration/optimize-set-points.js';
import type { PredictCellsResult } from '../../shared/orchestration/predict-cells.js';
import {
  MAX_READING_AGE_MS,
  PREDICTION_CHUNK_CELLS,
  PREDICTION_WAVE,
  RunBook,
  waves,
} from '../../shared/orchestration/run-book.js';
import { runPaths } from '../../shared/orchestration/run-paths.js';
import {
  ApprovalDecision,
  OptimizationRunEventData,
  OptimizationRunInput,
  type LakeRef,
} from '../../shared/orchestration/schemas.js';

/** Lake, Cosmos and topic calls: transient faults clear within seconds (2 s, 4 s, 8 s; four attempts). */
const ioRetry = new df.RetryOptions(2_000, 4);
ioRetry.backoffCoefficient = 2;
/** The optimiser is deterministic: one more attempt covers a lost worker, more would repeat the same answer. */
const computeRetry = new df.RetryOptions(1_000, 2);

/**
 * One optimisation run of a line: snapshot → per-cell predictions (fanned out in waves) → optimise → safety
 * envelope (refused equipment is held and the line re-optimised, at most three rounds) → in advisory mode the
 * engineer's approval or its timeout → record → publish. Progress is the custom status `{ step, done, total }`.
 * A failure ends the run Failed with its reason, after recording it and publishing `smelter.optimization.failed`.
 */
export const optimizationRun: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = OptimizationRunInput.parse(context.df.getInput());
  const runId = context.df.instanceId;
  const run = new RunBook(runId, input, context.df.currentUtcDateTime.getTime());
  // Every activity continues the starter's trace (the input carries it; replay sees the same input).
  const traced = <T extends object>(activityInput: T) =>
    input.trace ? { ...activityInput, trace: input.trace } : activityInput;
  let finalRound: { recommendation: LakeRef; setPoints?: LakeRef } | undefined;
  try {
    context.df.setCustomStatus(run.progress('loading-snapshot', 0, 1));
    const snapshot = (yield context.df.callActivityWithRetry(
      Activity.loadLineSnapshot,
      ioRetry,
      traced({
        runId,
        lineId: input.lineId,
        snapshotAtMs: run.startedMs,
        runDir: run.dir,
        chunkCells: PREDICTION_CHUNK_CELLS,
        maxReadingAgeMs: MAX_READING_AGE_MS,
      }),
    )) as LineSnapshot;
    if (!snapshot.ok) throw new Error(snapshot.reason);

    const chunks = snapshot.chunks.map((c, index) => ({ ...c, index }));
    const predictions: PredictCellsResult[] = [];
    let predicted = 0;
    for (const wave of waves(chunks, PREDICTION_WAVE)) {
      context.df.setCustomStatus(run.progress('predicting', predicted, snapshot.cells));
      const tasks = wave.map((c) =>
        context.df.callActivityWithRetry(
          Activity.predictCells,
          ioRetry,
          traced({
            runId,
            lineId: input.lineId,
            plantVersion: input.plantVersion,
            lineCurrentKA: snapshot.lineCurrentKA,
            snapshotAtMs: run.startedMs,
            maxReadingAgeMs: MAX_READING_AGE_MS,
            chunk: c.ref,
            out: runPaths.predictionsChunk(run.dir, c.index),
          }),
        ),
      );
      predictions.push(...((yield context.df.Task.all(tasks)) as PredictCellsResult[]));
      predicted += wave.reduce((n, c) => n + c.cells, 0);
    }
    run.notePredictions(predictions);
    if (run.usableCells === 0)
      throw new Error(
        `no cell of line ${input.lineId} could be modelled (${run.excluded.length} left out, e.g. ${run.excluded[0]?.equipmentId}: ${run.excluded[0]?.reason})`,
      );

    const userConstraints = [...snapshot.storedConstraints, ...input.userConstraints];
    for (;;) {
      run.round++;
      const refs = run.roundRefs();
      context.df.setCustomStatus(run.progress('optimizing', 0, 1));
      const opt = (yield context.df.callActivityWithRetry(
        Activity.optimizeSetPoints,
        computeRetry,
        traced({
          runId,
          lineId: input.lineId,
          plantVersion: input.plantVersion,
          round: run.round,
          lineCurrentKA: snapshot.lineCurrentKA,
          predictions: predictions.map((p) => p.ref),
          userConstraints,
          hold: run.hold,
          ...(run.freezeLineCurrent ? { freezeLineCurrent: run.freezeLineCurrent } : {}),
          out: refs.recommendation,
        }),
      )) as OptimizeResult;
      context.df.setCustomStatus(run.progress('checking-envelope', 0, opt.changes));
      const env = (yield context.df.callActivityWithRetry(
        Activity.checkSetPointEnvelope,
        ioRetry,
        traced({
          runId,
          lineId: input.lineId,
          recommendation: opt.ref,
          out: refs.setPoints,
        }),
      )) as EnvelopeCheckResult;
      finalRound = { recommendation: opt.ref, setPoints: env.ref };
      const verdict = run.afterEnvelope(opt, env);
      if (verdict.next === 'accept') break;
      if (verdict.next === 'give-up') {
        run.end('held-by-envelope', verdict.reason);
        break;
      }
    }

    if (input.mode === 'advisory' && run.hasSetPoints && !run.outcome) {
      const deadline = new Date(context.df.currentUtcDateTime.getTime() + input.approvalTimeoutMinutes * 60_000);
      context.df.setCustomStatus(
        run.progress('awaiting-approval', 0, 1, {
          ...(run.proposal ? { proposal: run.proposal } : {}),
          approvalDeadline: deadline.toISOString(),
        }),
      );
      try {
        yield context.df.callActivityWithRetry(Activity.announceAwaitingApproval, ioRetry, {
          data: {
            runId,
            lineId: input.lineId,
            mode: input.mode,
            round: run.round,
            ...(run.proposal ? { proposal: run.proposal } : {}),
            approvalDeadline: deadline.toISOString(),
          },
          correlationId: input.correlationId,
          time: context.df.currentUtcDateTime.toISOString(),
        });
      } catch {
        // Not worth failing the run over: it waits all the same, the API lists it and takes the decision; only the
        // ledger's note of the proposal and the screens' prompt are missing (the failed activity is in the history).
      }
      const approval = context.df.waitForExternalEvent(APPROVAL_EVENT);
      const timeout = context.df.createTimer(deadline);
      const winner = yield context.df.Task.any([approval, timeout]);
      if (winner === approval) {
        timeout.cancel();
        const decision = ApprovalDecision.safeParse(approval.result);
        if (decision.success) run.noteApproval(decision.data);
        else
          run.end(
            'rejected',
            `the approval event was not a decision (${decision.error.issues[0]?.message}); nothing is recommended`,
          );
      } else {
        run.noteApprovalExpired(deadline.toISOString());
      }
    }
    run.settleWithoutApproval();

    context.df.setCustomStatus(run.progress('recording', 0, 1));
    const completedMs = context.df.currentUtcDateTime.getTime();
    const recorded = (yield context.df.callActivityWithRetry(
      Activity.recordOptimizationRun,
      ioRetry,
      traced({
        run: run.result(completedMs),
        correlationId: input.correlationId,
        round: finalRound,
        out: runPaths.recommendation(run.dir),
      }),
    )) as { recommendation?: LakeRef };
    const result = run.result(completedMs, recorded.recommendation);

    context.df.setCustomStatus(run.progress('publishing', 0, result.setPointEvents + 1));
    yield context.df.callActivityWithRetry(
      Activity.publishOptimizationEvents,
      ioRetry,
      traced({
        run: OptimizationRunEventData.parse(result),
        correlationId: input.correlationId,
        time: context.df.currentUtcDateTime.toISOString(),
        ...(result.outcome === 'applied' && finalRound?.setPoints ? { setPoints: finalRound.setPoints } : {}),
      }),
    );
    context.df.setCustomStatus(run.progress('completed', 1, 1, { ...(run.reason ? { reason: run.reason } : {}) }));
    return result;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    run.end('failed', reason);
    context.df.setCustomStatus(run.progress('failed', 0, 1, { reason }));
    const failed = run.result(context.df.currentUtcDateTime.getTime());
    try {
      yield context.df.callActivityWithRetry(
        Activity.recordOptimizationRun,
        ioRetry,
        traced({
          run: failed,
          correlationId: input.correlationId,
        }),
      );
      yield context.df.callActivityWithRetry(
        Activity.publishOptimizationEvents,
        ioRetry,
        traced({
          run: OptimizationRunEventData.parse(failed),
          correlationId: input.correlationId,
          time: context.df.currentUtcDateTime.toISOString(),
        }),
      );
    } catch (reportErr) {
      throw new Error(
        `${reason} (and the failure could not be recorded or published: ${reportErr instanceof Error ? reportErr.message : String(reportErr)})`,
        { cause: reportErr },
      );
    }
    throw new Error(reason, { cause: err });
  }
};

df.app.orchestration(Orchestration.optimizationRun, optimizationRun);
