import { app, type InvocationContext } from '@azure/functions';
import { AlertBook } from '../../shared/alerts/alert.js';
import { handleAlertEvent, type AlertNotifierDeps } from '../../shared/alerts/alert-notifier.js';
import { ChannelNotifier } from '../../shared/alerts/notifier.js';
import { defaultEventPolicies } from '../../shared/alerts/plant-events.js';
import { parseAlertSettings } from '../../shared/alerts/settings.js';
import { MemoryAlertStore } from '../../shared/alerts/store.js';
import { parsePlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';

let deps: AlertNotifierDeps | undefined;

/** Channels from the settings, built once per process (the alert store is in memory until a Cosmos store lands). */
function alertNotifierDeps(): AlertNotifierDeps {
  if (deps) return deps;
  const s = parseAlertSettings(process.env);
  deps = {
    book: new AlertBook(),
    store: new MemoryAlertStore(),
    notifier: new ChannelNotifier(s.ALERT_CHANNELS),
    policies: defaultEventPolicies({ operations: s.ALERT_OPERATIONS_CHANNELS, engineering: s.ALERT_ENGINEERING_CHANNELS, escalation: s.ALERT_ESCALATION_CHANNELS }),
  };
  return deps;
}

/**
 * Turns anomalies, failed optimisations, overrides and failed commands into alerts and tells their channels. One
 * open alert per event type and subject; a redelivered event raises nothing. A channel that fails is logged as a
 * warning with its error; the alert itself is kept.
 */
export async function alertNotifier(message: unknown, context: InvocationContext): Promise<void> {
  const event = parsePlantEvent(message);
  const outcome = await handleAlertEvent(event, alertNotifierDeps());
  context.info('plant event alerted', { eventId: event.id, type: event.type, ...outcome, failed: outcome.failed.length });
  for (const f of outcome.failed) context.warn('alert channel failed', f);
}

app.serviceBusTopic('alert-notifier', {
  connection: 'ServiceBusConnection',
  topicName: PLANT_EVENTS_TOPIC,
  subscriptionName: 'alerts',
  handler: alertNotifier,
});
