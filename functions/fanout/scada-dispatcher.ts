import { app, type InvocationContext } from '@azure/functions';
import { scadaDispatcherFromSettings, scadaGatewayFromSettings } from '../../shared/azure/scada-dependencies.js';
import { parsePlantEvent } from '../../shared/messaging/cloud-event.js';
import { inCarriedSpan, SPAN_ATTRIBUTES, SpanKind } from '../../shared/observability/tracing.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';

/**
 * Dispatches set-point recommendations to the plant through the safety envelope, and keeps overrides current.
 * Resolves once every command of the event is final (acknowledged, rejected or failed); a throw leaves the message
 * to Service Bus, which redelivers it (the stored command resumes, nothing is sent twice) and dead-letters it after
 * the subscription's maxDeliveryCount.
 */
export async function scadaDispatcher(message: unknown, context: InvocationContext): Promise<void> {
  const event = parsePlantEvent(typeof message === 'string' ? JSON.parse(message) : message);
  // The span continues the publisher's trace (the event's traceparent): one trace from the run to the plant.
  const report = await inCarriedSpan(
    'scada dispatch',
    event.traceparent
      ? {
          traceparent: event.traceparent,
          ...(event.tracestate ? { tracestate: event.tracestate } : {}),
          ...(event.correlationid ? { correlationId: event.correlationid } : {}),
        }
      : undefined,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'servicebus',
        'messaging.destination.name': `${PLANT_EVENTS_TOPIC}/scada`,
        'messaging.message.id': event.id,
        'cloudevents.event_type': event.type,
        'cloudevents.event_subject': event.subject,
        ...(event.correlationid ? { [SPAN_ATTRIBUTES.correlationId]: event.correlationid } : {}),
      },
    },
    async () => (await scadaDispatcherFromSettings()).handle(event),
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

// The platform is the plant's Sparkplug Primary Host: online (STATE birth) while the app runs, so edge nodes that wait
// for it birth and publish; offline (STATE death) when it stops.
app.hook.appStart(() => {
  if (!process.env.SCADA_MQTT_URL) return;
  void scadaGatewayFromSettings().catch((e: unknown) =>
    console.warn(
      `scada-dispatcher: not yet connected to the plant broker: ${e instanceof Error ? e.message : String(e)}`,
    ),
  );
});
app.hook.appTerminate(async () => {
  if (!process.env.SCADA_MQTT_URL) return;
  await (await scadaGatewayFromSettings().catch(() => undefined))?.close();
});
