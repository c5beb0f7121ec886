import { app, type InvocationContext, type Timer } from '@azure/functions';
import { outboxSweepDepsFromSettings } from '../../shared/azure/outbox-dependencies.js';
import { sweepOutbox } from '../../shared/messaging/outbox.js';

/**
 * Every minute (OUTBOX_SWEEP_SCHEDULE): publishes the plant events a failed publish left in the outbox (plant model,
 * PDE models, alert rules, line constraints, overrides, alert state, approvals), oldest first, under their own ids,
 * and takes them out. A topic
 * still down stops the sweep at the first refused event; the next sweep starts there again.
 */
export async function outboxSweep(timer: Timer, context: InvocationContext): Promise<void> {
  const { publisher, sources } = await outboxSweepDepsFromSettings();
  const summary = await sweepOutbox(publisher, sources);
  context.info('outbox swept', { ...summary, pastDue: timer.isPastDue });
  if (summary.stoppedAt)
    context.warn('the topic refused a queued event; it and every later one wait for the next sweep', summary.stoppedAt);
  for (const u of summary.unreadable) context.warn('an outbox could not be read; the next sweep tries again', u);
}

app.timer('outboxSweep', { schedule: '%OUTBOX_SWEEP_SCHEDULE%', runOnStartup: false, handler: outboxSweep });
