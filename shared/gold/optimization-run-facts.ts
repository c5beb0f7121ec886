/**
 * fact_optimization_run from the archived `smelter.optimization.completed` / `.failed` events: one row per run, in
 * the partition of the date it started (a run ends with exactly one of those events).
 */
import { OptimizationRunEventData } from '../orchestration/schemas.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { dateKeyOf } from './minute-facts.js';
import type { ArchivedEvent } from './plant-events.js';
import type { GoldRow } from './table-io.js';

const RUN_END_TYPES: ReadonlySet<string> = new Set([
  PlantEventType.optimizationCompleted,
  PlantEventType.optimizationFailed,
]);

/** The approver of each run that ended within the events given (advisory runs that were approved). */
export function runApprovers(events: readonly ArchivedEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (!RUN_END_TYPES.has(e.type)) continue;
    const parsed = OptimizationRunEventData.safeParse(e.data);
    if (parsed.success && parsed.data.approval?.decision === 'approve')
      out.set(parsed.data.runId, parsed.data.approval.decidedBy);
  }
  return out;
}

/** Rows for the runs started on `date` (UTC) that ended within the events given. */
export function optimizationRunRows(events: readonly ArchivedEvent[], date: string): GoldRow[] {
  const rows = new Map<string, GoldRow>();
  for (const e of events) {
    if (!RUN_END_TYPES.has(e.type)) continue;
    const parsed = OptimizationRunEventData.safeParse(e.data);
    if (!parsed.success) continue;
    const d = parsed.data;
    if (new Date(d.startedMs).toISOString().slice(0, 10) !== date) continue;
    rows.set(d.runId, {
      runId: d.runId,
      lineId: d.lineId,
      dateKey: dateKeyOf(d.startedMs),
      startedMs: d.startedMs,
      completedMs: d.completedMs,
      status: d.status,
      objectiveKWhPerKg: d.objectiveKWhPerKg,
      baselineKWhPerKg: d.baselineKWhPerKg,
      cellsChanged: d.cellsChanged,
      modelVersion: d.modelVersion,
      mode: d.mode,
      trigger: d.trigger,
      outcome: d.outcome,
      setPointEvents: d.setPointEvents,
      reason: d.reason ?? null,
      requestedBy: d.requestedBy,
      approvalDecision: d.approval?.decision ?? null,
      approvedBy: d.approval?.decision === 'approve' ? d.approval.decidedBy : null,
      approvalDecidedMs: d.approval?.decidedAtMs ?? null,
      approvalReason: d.approval?.reason ?? null,
    });
  }
  return [...rows.values()];
}
