import { app, type InvocationContext } from '@azure/functions';
import { handleAlertEvent } from '../../shared/alerts/alert-notifier.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { parsePlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { MESSAGE_RIDE_OUT } from '../../shared/kernel/ride-out.js';
import { withDependencies } from '../ride-out-dependencies.js';

/**
 * Turns anomalies, failed optimisations, overrides and failed commands into alerts (Cosmos `alerts`) and tells their
 * channels. One open alert per condition and subject, shared by every instance; a redelivered event raises nothing.
 * A channel that fails is logged as a warning with its error; the alert itself is kept.
 */
export async function alertNotifier(message: unknown, context: InvocationContext): Promise<void> {
  const event = parsePlantEvent(message);
  const outcome = await withDependencies(context, MESSAGE_RIDE_OUT, async () => {
    const deps = await alertDependencies();
    const records = deps.records((alertId, e) =>
      context.warn('alert change not published yet; the sweep will retry', { alertId, error: String(e) }),
    );
    return handleAlertEvent(event, { records, notifier: deps.notifier, policies: deps.policies });
  });
  context.info('plant event alerted', {
    eventId: event.id,
    type: event.type,
    ...outcome,
    failed: outcome.failed.length,
  });
  for (const f of outcome.failed) context.warn('alert channel failed', f);
}

app.serviceBusTopic('alertNotifier', {
  connection: 'ServiceBusConnection',
  topicName: PLANT_EVENTS_TOPIC,
  subscriptionName: 'alerts',
  handler: alertNotifier,
});
