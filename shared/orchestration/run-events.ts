/**
 * The plant events optimisation runs publish. Every id is fixed by the run id (and the equipment), so a re-run
 * activity republishes the same ids and the topic's duplicate detection, the dispatcher (command id) and the ledger
 * (entry id) each keep one.
 */
import { z } from 'zod';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { setpointRecommendedEvent } from '../scada/events.js';
import { recommendationIdFor } from './run-ids.js';
import { LineId } from '../scada/override.js';
import { OptimizationMode, OptimizationRunEventData, ProposalSummary, type ApprovalDecision } from './schemas.js';
import type { EquipmentSetPoint } from './set-points.js';

/** CloudEvents `source` of what optimisation runs publish. */
export const OPTIMIZATION_RUN_SOURCE = '/orchestrations/optimizationRun';
/** CloudEvents `source` of approvals made through the API. */
export const OPTIMIZATIONS_API_SOURCE = '/functions/optimizations';

export interface RunEventOptions {
  correlationId: string;
  /** The run's replay-safe time (the orchestrator's current time when it decided to publish). */
  time: string;
}

/**
 * The events of a finished run: one `smelter.setpoint.recommended` per piece of equipment to move (each cell, and the
 * rectifier `<line>-LINE` when the line current moves), then `smelter.optimization.completed` — or only
 * `smelter.optimization.failed` for a failed run.
 */
export function runEvents(
  run: OptimizationRunEventData,
  setPoints: readonly EquipmentSetPoint[],
  o: RunEventOptions,
): PlantEvent[] {
  const data = OptimizationRunEventData.parse(run);
  const type = data.status === 'failed' ? PlantEventType.optimizationFailed : PlantEventType.optimizationCompleted;
  const recommended =
    data.status === 'failed' ? [] : setPoints.map((sp) => setPointEvent(data.runId, data.lineId, sp, o));
  return [
    ...recommended,
    cloudEvent(type, data.lineId, data, {
      id: data.runId,
      source: OPTIMIZATION_RUN_SOURCE,
      correlationId: o.correlationId,
      time: o.time,
    }),
  ];
}

/** One equipment's set point; its recommendation id `<runId>/<equipmentId>` fixes the event id and the SCADA command id. */
export function setPointEvent(runId: string, lineId: string, sp: EquipmentSetPoint, o: RunEventOptions): PlantEvent {
  return setpointRecommendedEvent(
    {
      recommendationId: recommendationIdFor(runId, sp.equipmentId),
      lineId,
      setPoints: [{ equipmentId: sp.equipmentId, setPoint: sp.setPoint, present: sp.present }],
    },
    { source: OPTIMIZATION_RUN_SOURCE, correlationId: o.correlationId, time: o.time },
  );
}

/** `data` of `smelter.optimization.awaiting-approval`: the proposal an advisory run puts up, and until when. */
export const AwaitingApprovalData = z.object({
  runId: z.string().min(1),
  lineId: LineId,
  mode: OptimizationMode,
  /** Envelope round of the proposal (1 = first). */
  round: z.number().int().min(1),
  proposal: ProposalSummary.optional(),
  /** ISO time after which an unanswered approval means no change. */
  approvalDeadline: z.iso.datetime(),
});
export type AwaitingApprovalData = z.infer<typeof AwaitingApprovalData>;

/** The run's announcement that it waits for a decision; one per run (its id is fixed by the run). */
export function awaitingApprovalEvent(data: AwaitingApprovalData, o: RunEventOptions): PlantEvent {
  return cloudEvent(PlantEventType.optimizationAwaitingApproval, data.lineId, AwaitingApprovalData.parse(data), {
    id: `${data.runId}/awaiting-approval`,
    source: OPTIMIZATION_RUN_SOURCE,
    correlationId: o.correlationId,
    time: o.time,
  });
}

/** `data` of `smelter.optimization.approved` / `.rejected`: the run, the line and who decided what, and why. */
export interface ApprovalEventData {
  runId: string;
  lineId: string;
  decision: ApprovalDecision['decision'];
  reason: string;
  actor: string;
  decidedAtMs: number;
}

/** The approval or rejection of an advisory run, as the ledger audits it; one id per run and decision. */
export function approvalEvent(data: ApprovalEventData, correlationId: string): PlantEvent {
  const type = data.decision === 'approve' ? PlantEventType.optimizationApproved : PlantEventType.optimizationRejected;
  return cloudEvent(type, data.runId, data, {
    id: `${data.runId}/${data.decision}`,
    source: OPTIMIZATIONS_API_SOURCE,
    correlationId,
    time: new Date(data.decidedAtMs),
  });
}
