import { app, type InvocationContext, type Timer } from '@azure/functions';
import { sweepAlerts } from '../../shared/alerts/alert-sweep.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';

/**
 * Every minute (ALERT_SWEEP_SCHEDULE): escalates alerts left unacknowledged past their delay, even when no
 * telemetry or plant event arrives to drive it. Alert changes a failed publish left in the outbox go out with the
 * outbox sweep (outbox-sweep.ts); alert documents written before that outbox have theirs moved into it here.
 */
export async function alertSweep(timer: Timer, context: InvocationContext): Promise<void> {
  const deps = await alertDependencies();
  const migrated = await deps.alerts.migrateLegacyOutbox();
  if (migrated > 0) context.info('alert changes moved into the outbox', { alerts: migrated });
  const records = deps.records((alertId, e) =>
    context.warn('alert change not published yet; the next sweep will retry', { alertId, error: String(e) }),
  );
  const summary = await sweepAlerts(
    { records, rules: deps.rules, policies: deps.policies, notifier: deps.notifier },
    Date.now(),
  );
  context.info('alerts swept', {
    ...summary,
    pastDue: timer.isPastDue,
    notificationsFailed: summary.notificationsFailed.length,
  });
  for (const f of summary.notificationsFailed) context.warn('alert channel failed', f);
}

app.timer('alertSweep', { schedule: '%ALERT_SWEEP_SCHEDULE%', runOnStartup: false, handler: alertSweep });
