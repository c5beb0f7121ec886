import { app, type InvocationContext, type Timer } from '@azure/functions';
import { lakeFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { eventPublisherFromSettings } from '../../shared/azure/scada-dependencies.js';
import { assessModelAccuracy } from '../../shared/gold/assess-model-accuracy.js';

/**
 * Compares every completed optimisation run whose settled window has passed with what the plant measured
 * (shared/gold/assess-model-accuracy.ts) and alerts a line whose model is beyond 5 % MAPE.
 */
export async function modelAccuracy(timer: Timer, context: InvocationContext): Promise<void> {
  const [lake, publisher] = await Promise.all([lakeFromSettings(), eventPublisherFromSettings()]);
  const result = await assessModelAccuracy({ lake, publisher }, Date.now());
  context.info('model accuracy assessed', {
    pastDue: timer.isPastDue,
    assessed: result.assessed.map((a) => ({
      runId: a.runId,
      lineId: a.accuracy.lineId,
      cellVoltageMapePct: a.accuracy.cellVoltageMapePct,
      bathTempMapePct: a.accuracy.bathTempMapePct,
      secMapePct: a.accuracy.secMapePct,
    })),
    waiting: result.waiting,
    alerts: result.alerts,
  });
}

app.timer('modelAccuracy', { schedule: '%MODEL_ACCURACY_SCHEDULE%', runOnStartup: false, handler: modelAccuracy });
