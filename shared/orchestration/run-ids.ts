/**
 * Run ids are orchestration instance ids, chosen by the starter: `opt-<line>-<suffix>` for optimisation runs (the
 * line in the id lets a starter find the line's active runs), `pde-<model>-<suffix>` for PDE runs. A scheduled run's
 * suffix names its schedule slot, so a second start of the same slot finds the first and is refused.
 */
/** The prefix every optimisation run of `lineId` starts with (the `-` keeps L1 from matching L10). */
export function optimizationRunPrefix(lineId: string): string {
  return `opt-${lineId}-`;
}

/** The line an optimisation run id names (`opt-L1-…` → `L1`), or undefined for another id. */
export function lineOfOptimizationRunId(runId: string): string | undefined {
  return /^opt-([A-Za-z0-9_]+)-/.exec(runId)?.[1];
}

/** An API-started optimisation run: the line and a random suffix (hex, from the starter's UUID). */
export function requestedOptimizationRunId(lineId: string, uuid: string): string {
  return `${optimizationRunPrefix(lineId)}${uuid.replace(/-/g, '').slice(0, 20)}`;
}

/**
 * A scheduled optimisation run: the line and the slot, named by the schedule's next occurrence after this one
 * (`ScheduleStatus.Next`), which is the same for an on-time run and for its past-due repeat after a restart.
 */
export function scheduledOptimizationRunId(lineId: string, nextOccurrenceIso: string): string {
  const stamp = new Date(nextOccurrenceIso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${optimizationRunPrefix(lineId)}before-${stamp}`;
}

/** A PDE run of a model. */
export function pdeRunId(modelId: string, uuid: string): string {
  return `pde-run-${modelId}-${uuid.replace(/-/g, '').slice(0, 20)}`;
}

/** The recommendation id of one equipment's set point in a run: with the equipment it fixes the SCADA command id. */
export function recommendationIdFor(runId: string, equipmentId: string): string {
  return `${runId}/${equipmentId}`;
}
