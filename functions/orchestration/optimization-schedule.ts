import { app, type InvocationContext, type Timer } from '@azure/functions';
import { lineStateFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { plantSourceFromSettings } from '../../shared/azure/plant-dependencies.js';
import { settings } from '../../shared/config/settings.js';
import { appVersion } from '../../shared/observability/version.js';
import { ACTIVE_LINE_WINDOW_MS, startScheduledRuns } from '../../shared/orchestration/schedule.js';
import { durableClientInput, runClientOf } from './run-client.js';

/**
 * Starts `optimizationRun` for every line on OPTIMIZATION_SCHEDULE: the lines in OPTIMIZATION_LINES, or, when that
 * is empty, every line that wrote cell state in the last hour. One instance per line and slot.
 */
export async function optimizationSchedule(timer: Timer, context: InvocationContext): Promise<void> {
  const s = settings();
  const plant = await (await plantSourceFromSettings()).current();
  const lines =
    s.OPTIMIZATION_LINES.length > 0
      ? s.OPTIMIZATION_LINES
      : await (await lineStateFromSettings()).activeLines(Date.now() - ACTIVE_LINE_WINDOW_MS);
  // The slot is named by the next occurrence, which an on-time run and its past-due repeat share.
  const nextOccurrence = timer.scheduleStatus?.next ?? new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const starts = await startScheduledRuns(runClientOf(context), {
    nextOccurrence,
    lines,
    mode: s.OPTIMIZATION_MODE,
    approvalTimeoutMinutes: s.OPTIMIZATION_APPROVAL_TIMEOUT_MIN,
    modelVersion: appVersion(),
    plant,
  });
  if (starts.length === 0)
    context.warn(
      'optimization-schedule: no line to optimise (none configured in OPTIMIZATION_LINES and none sent telemetry in the last hour)',
    );
  for (const st of starts) {
    if (st.outcome === 'not-in-plant') {
      context.warn(
        `optimization-schedule: ${st.lineId} is not in plant model ${plant.version}; not run. Add it to the plant model (v1/plant) or remove it from OPTIMIZATION_LINES.`,
      );
      continue;
    }
    const note = st.outcome === 'busy' ? ` (run ${st.activeRunId} is still going)` : '';
    context.info(`optimization-schedule: ${st.lineId} ${st.outcome} ${st.runId}${note}`, { pastDue: timer.isPastDue });
  }
}

app.timer('optimizationSchedule', {
  schedule: '%OPTIMIZATION_SCHEDULE%',
  extraInputs: [durableClientInput],
  handler: optimizationSchedule,
});
