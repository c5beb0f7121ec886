/**
 * Names of the orchestrations, their activities and the external event they wait for: declared once, imported by
 * the function files that register them and by the orchestrators that call them.
 */
export const Orchestration = {
  /** Runs one stored PDE model configuration (Cosmos `pde-models`). */
  pdeRun: 'pdeRun',
  /** Snapshot → per-cell predictions → optimise → safety envelope → (approval) → record → publish, for one line. */
  optimizationRun: 'optimizationRun',
} as const;

export const Activity = {
  runPdeModel: 'runPdeModel',
  loadLineSnapshot: 'loadLineSnapshot',
  predictCells: 'predictCells',
  optimizeSetPoints: 'optimizeSetPoints',
  checkSetPointEnvelope: 'checkSetPointEnvelope',
  recordOptimizationRun: 'recordOptimizationRun',
  publishOptimizationEvents: 'publishOptimizationEvents',
  announceAwaitingApproval: 'announceAwaitingApproval',
} as const;

/** The external event an advisory run waits for (raised by `POST v1/optimizations/{runId}/approval`). */
export const APPROVAL_EVENT = 'approval';
