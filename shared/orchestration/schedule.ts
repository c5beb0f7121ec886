/**
 * The schedule's starter logic: which lines, one run per line and slot. A slot's run id is fixed (run-ids.ts), so a
 * repeated trigger (a past-due run after a restart, two hosts) finds the run and does not start a second one; a line
 * whose previous run is still going (an advisory run waiting for approval) is skipped for this slot.
 */
import { Orchestration } from './names.js';
import { optimizationRunPrefix, scheduledOptimizationRunId } from './run-ids.js';
import type { RunClient } from './run-client.js';
import type { OptimizationMode, OptimizationRunInput } from './schemas.js';

/** How recently a line must have written cell state to count as present when no lines are configured, ms. */
export const ACTIVE_LINE_WINDOW_MS = 3_600_000;

export interface ScheduledStart {
  lineId: string;
  runId: string;
  outcome: 'started' | 'already-started' | 'busy';
  /** For `busy`: the run still going. */
  activeRunId?: string;
}

export interface ScheduleRequest {
  /** The schedule's next occurrence after this one (the slot's name), ISO. */
  nextOccurrence: string;
  lines: readonly string[];
  mode: OptimizationMode;
  approvalTimeoutMinutes: number;
  modelVersion: string;
}

/** Starts one run per line for the slot, in line order. */
export async function startScheduledRuns(client: RunClient, req: ScheduleRequest): Promise<ScheduledStart[]> {
  const active = await client.active();
  const out: ScheduledStart[] = [];
  for (const lineId of [...req.lines].sort()) {
    const runId = scheduledOptimizationRunId(lineId, req.nextOccurrence);
    const running = active.find(
      (a) => a.name === Orchestration.optimizationRun && a.instanceId.startsWith(optimizationRunPrefix(lineId)),
    );
    if (running && running.instanceId !== runId) {
      out.push({ lineId, runId, outcome: 'busy', activeRunId: running.instanceId });
      continue;
    }
    const input: OptimizationRunInput = {
      lineId,
      mode: req.mode,
      userConstraints: [],
      approvalTimeoutMinutes: req.approvalTimeoutMinutes,
      requestedBy: 'schedule',
      trigger: 'schedule',
      correlationId: runId,
      modelVersion: req.modelVersion,
    };
    const started = await client.startOnce(Orchestration.optimizationRun, runId, input);
    out.push({ lineId, runId, outcome: started === 'started' ? 'started' : 'already-started' });
  }
  return out;
}
