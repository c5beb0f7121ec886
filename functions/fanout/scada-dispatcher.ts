import { app, type InvocationContext } from '@azure/functions';
import { scadaDispatcherFromSettings } from '../../shared/azure/scada-dependencies.js';
import { parsePlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { MESSAGE_RIDE_OUT } from '../../shared/kernel/ride-out.js';
import { withDependencies } from '../ride-out-dependencies.js';

/**
 * Dispatches set-point recommendations to the plant through the safety envelope, and keeps overrides current.
 * Resolves once every command of the event is final (acknowledged, rejected or failed). While a store is unreachable
 * the message is kept and tried again (up to four minutes, inside the lock renewal); after that, or for a failure a
 * retry cannot fix, a throw leaves it to Service Bus, which redelivers it (the stored command resumes, nothing is sent
 * twice) and dead-letters it after the subscription's maxDeliveryCount.
 */
export async function scadaDispatcher(message: unknown, context: InvocationContext): Promise<void> {
  const event = parsePlantEvent(typeof message === 'string' ? JSON.parse(message) : message);
  const report = await withDependencies(context, MESSAGE_RIDE_OUT, async () =>
    (await scadaDispatcherFromSettings()).handle(event),
  );
  if (report.kind === 'recommendation') {
    for (const c of report.commands) {
      const why = c.violations[0]
        ? ` (${c.violations.map((v) => v.rule).join(', ')})`
        : c.failure
          ? ` (${c.failure.code})`
          : '';
      const log = c.state === 'acknowledged' ? context.log : context.warn;
      log.call(
        context,
        `scada-dispatcher: ${c.commandId} to ${c.equipmentId} ${c.state}${why}${c.actedOn ? '' : ' [redelivery, nothing sent]'}`,
      );
    }
  } else {
    context.log(`scada-dispatcher: ${JSON.stringify(report)}`);
  }
}

app.serviceBusTopic('scadaDispatcher', {
  connection: 'ServiceBusConnection',
  topicName: PLANT_EVENTS_TOPIC,
  subscriptionName: 'scada',
  handler: scadaDispatcher,
});
