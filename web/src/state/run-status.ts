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

export function runStatus(run: RunLike, pushed?: { step?: string; outcome?: string }): RunStatus {
  const outcome = run.result?.outcome ?? pushed?.outcome;
  if (run.runtimeStatus === 'Failed' || run.runtimeStatus === 'Terminated' || pushed?.step === 'failed')
    return { phase: 'failed', label: 'Failed', ...(outcome ? { outcome } : {}) };
  if (run.runtimeStatus === 'Completed' || (pushed?.step === 'completed' && outcome))
    return { phase: 'completed', label: `Completed${outcome ? ` (${outcome})` : ''}`, ...(outcome ? { outcome } : {}) };
  if (run.runtimeStatus === 'Pending') return { phase: 'pending', label: 'Pending' };
  const step = run.progress?.step ?? pushed?.step;
  if (step === 'awaiting-approval') return { phase: 'awaiting-approval', label: 'Awaiting approval' };
  return { phase: 'running', label: `Running${step ? ` (${step})` : ''}` };
}
