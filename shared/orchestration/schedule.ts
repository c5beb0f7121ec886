/**
 * The schedule's starter logic: which lines, one run per line and slot. A slot's run id is fixed (run-ids.ts), so a
 * repeated trigger (a past-due run after a restart, two hosts) finds the run and does not start a second one; a line
 * whose previous run is still going (an advisory run waiting for approval) is skipped for this slot.
 */
import { Orchestration } from './names.js';
import { optimizationRunPrefix, scheduledOptimizationRunId } from './run-ids.js';
import type { PlantIndex } from '../plant/plant-index.js';
import type { RunClient } from './run-client.js';
import type { OptimizationMode, OptimizationRunInput } from './schemas.js';

/** How recently a line must have written cell state to count as present when no lines are configured, ms. */
export const ACTIVE_LINE_WINDOW_MS = 3_600_000;

export interface ScheduledStart {
  lineId: string;
  runId: string;
  /** `not-in-plant`: the line is configured or sends telemetry, but the plant model in force does not have it. */
  outcome: 'started' | 'already-started' | 'busy' | 'not-in-plant';
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
  /** The plant model in force: its version is fixed in each run, and only its lines are run. */
  plant: Pick<PlantIndex, 'version' | 'line'>;
}

/** Starts one run per line for the slot, in line order. */
export async function startScheduledRuns(client: RunClient, req: ScheduleRequest): Promise<ScheduledStart[]> {
  const active = await client.active();
  const out: ScheduledStart[] = [];
  for (const lineId of [...req.lines].sort()) {
    const runId = scheduledOptimizationRunId(lineId, req.nextOccurrence);
    if (!req.plant.line(lineId)) {
      out.push({ lineId, runId, outcome: 'not-in-plant' });
      continue;
    }
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
      plantVersion: req.plant.version,
    };
    const started = await client.startOnce(Orchestration.optimizationRun, runId, input);
    out.push({ lineId, runId, outcome: started === 'started' ? 'started' : 'already-started' });
  }
  return out;
}
