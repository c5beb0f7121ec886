/** How a run reads on a screen: its state in words, combining the run as read with what was pushed since. */
export interface RunLike {
  runtimeStatus: string;
  progress: { step: string } | null;
  result?: { outcome: string } | undefined;
}

export interface RunStatus {
  /** completed, failed, awaiting-approval, running, pending … */
  phase: 'awaiting-approval' | 'running' | 'completed' | 'failed' | 'pending';
  label: string;
  outcome?: string;
}

/** Steps of a run in the order it takes them (shared/orchestration/schemas.ts RUN_STEPS). */
const STEP_ORDER = [
  'loading-snapshot',
  'predicting',
  'optimizing',
  'checking-envelope',
  'awaiting-approval',
  'recording',
  'publishing',
  'completed',
  'failed',
];

/** The later of two steps (a pushed step may be ahead of the run as last read, never behind it for long). */
function laterStep(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return STEP_ORDER.indexOf(b) > STEP_ORDER.indexOf(a) ? b : a;
}

export function runStatus(run: RunLike, pushed?: { step?: string; outcome?: string }): RunStatus {
  const outcome = run.result?.outcome ?? pushed?.outcome;
  if (run.runtimeStatus === 'Failed' || run.runtimeStatus === 'Terminated' || pushed?.step === 'failed')
    return { phase: 'failed', label: 'Failed', ...(outcome ? { outcome } : {}) };
  if (run.runtimeStatus === 'Completed' || (pushed?.step === 'completed' && outcome))
    return { phase: 'completed', label: `Completed${outcome ? ` (${outcome})` : ''}`, ...(outcome ? { outcome } : {}) };
  const step = laterStep(run.progress?.step, pushed?.step);
  if (run.runtimeStatus === 'Pending' && !step) return { phase: 'pending', label: 'Pending' };
  if (step === 'awaiting-approval') return { phase: 'awaiting-approval', label: 'Awaiting approval' };
  return { phase: 'running', label: `Running${step ? ` (${step})` : ''}` };
}
