/**
 * The last two steps of an optimisation run: record it (Cosmos `optimization-runs` and the full recommendation in
 * the lake) and publish its events. Both are idempotent by run id: a re-run writes the same document and blob and
 * republishes the same event ids.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { count, observe } from '../observability/instruments.js';
import { getJson, putJson } from './lake-json.js';
import { RoundSetPoints } from './envelope-check.js';
import { RoundRecommendation } from './optimize-set-points.js';
import { AwaitingApprovalData, awaitingApprovalEvent, runEvents } from './run-events.js';
import type { RunStore } from './run-store.js';
import { LakeRef, OptimizationRunEventData, OptimizationRunResult } from './schemas.js';

export const RecordRunRequest = z.object({
  run: OptimizationRunResult,
  correlationId: z.string(),
  /** The final round's blobs, when the run got that far. */
  round: z.object({ recommendation: LakeRef, setPoints: LakeRef.optional() }).optional(),
  /** Where the run's full recommendation goes (its stable name). */
  out: LakeRef.optional(),
});
export type RecordRunRequest = z.infer<typeof RecordRunRequest>;

/** Writes the run's recommendation file (run, recommendation, checked set points) and its Cosmos document. */
export async function recordOptimizationRun(
  deps: { lake: LakeStore; runs: RunStore },
  req: RecordRunRequest,
): Promise<{ recommendation?: LakeRef }> {
  let recommendation: LakeRef | undefined;
  if (req.round && req.out) {
    const [round, setPoints] = await Promise.all([
      getJson(deps.lake, req.round.recommendation, RoundRecommendation),
      req.round.setPoints ? getJson(deps.lake, req.round.setPoints, RoundSetPoints) : Promise.resolve(undefined),
    ]);
    recommendation = await putJson(deps.lake, req.out, {
      run: req.run,
      problem: round.problem,
      recommendation: round.recommendation,
      setPoints: setPoints ?? null,
    });
  }
  await deps.runs.put({
    ...req.run,
    ...(recommendation ? { recommendation } : {}),
    id: req.run.runId,
    kind: 'optimization-run',
    correlationId: req.correlationId,
  });
  const outcome = { kind: 'optimization', outcome: req.run.outcome };
  count('runs', 1, outcome);
  observe('runDuration', (req.run.completedMs - req.run.startedMs) / 1000, outcome);
  return recommendation ? { recommendation } : {};
}

export const PublishRunRequest = z.object({
  run: OptimizationRunEventData,
  correlationId: z.string(),
  time: z.iso.datetime({ offset: true }),
  /** The checked set points to recommend; only for a run whose outcome is `applied`. */
  setPoints: LakeRef.optional(),
});
export type PublishRunRequest = z.infer<typeof PublishRunRequest>;

/** Publishes the run's events in one batch; returns their ids in order. */
export async function publishOptimizationEvents(
  deps: { lake: LakeStore; publisher: EventPublisher },
  req: PublishRunRequest,
): Promise<{ eventIds: string[] }> {
  const setPoints =
    req.setPoints && req.run.outcome === 'applied'
      ? (await getJson(deps.lake, req.setPoints, RoundSetPoints)).setPoints
      : [];
  const events = runEvents(req.run, setPoints, { correlationId: req.correlationId, time: req.time });
  await deps.publisher.publish(events);
  return { eventIds: events.map((e) => e.id) };
}

/** Input of the `announceAwaitingApproval` activity: the proposal put up and the replay-safe time of the run. */
export const AnnounceApprovalRequest = z.object({
  data: AwaitingApprovalData,
  correlationId: z.string(),
  time: z.iso.datetime({ offset: true }),
});
export type AnnounceApprovalRequest = z.infer<typeof AnnounceApprovalRequest>;

/**
 * Publishes `smelter.optimization.awaiting-approval`: the ledger records when a proposal was put up and until when,
 * and every open control room shows it (the `controlroom` subscription). A re-run publishes the same event id.
 */
export async function announceAwaitingApproval(
  deps: { publisher: EventPublisher },
  req: AnnounceApprovalRequest,
): Promise<{ eventId: string }> {
  const event = awaitingApprovalEvent(req.data, { correlationId: req.correlationId, time: req.time });
  await deps.publisher.publish([event]);
  return { eventId: event.id };
}
