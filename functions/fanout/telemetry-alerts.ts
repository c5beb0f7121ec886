import { app, trigger, type InvocationContext } from '@azure/functions';
import { TelemetryAlertConsumer } from '../../shared/alerts/telemetry-consumer.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { currentJudgingTagResolver } from '../../shared/azure/tag-resolver-dependencies.js';

let consumer: Promise<TelemetryAlertConsumer> | undefined;

/** One consumer per process: its evaluator and anomaly detectors keep per-cell state between batches. */
function telemetryAlertConsumer(): Promise<TelemetryAlertConsumer> {
  consumer ??= alertDependencies().then(
    (d) =>
      new TelemetryAlertConsumer({
        rules: d.rules,
        store: d.alerts,
        notifier: d.notifier,
        publisher: d.publisher,
        clock: { nowMs: Date.now },
        refreshMs: d.settings.ALERT_RULES_REFRESH_S * 1000,
      }),
    (e: unknown) => {
      consumer = undefined;
      throw e;
    },
  );
  return consumer;
}

/**
 * Judges the alert rules (read from Cosmos, refreshed every ALERT_RULES_REFRESH_S) and the anomaly detectors on
 * telemetry, through its own consumer group so ingestion is never slowed. Malformed bodies are skipped and counted
 * (ingestion quarantines them); a store or topic failure throws, so the host retries the batch by the policy below.
 */
export async function telemetryAlerts(bodies: unknown[], context: InvocationContext): Promise<void> {
  const [alertConsumer, tags] = await Promise.all([telemetryAlertConsumer(), currentJudgingTagResolver()]);
  const report = await alertConsumer.handle(bodies, tags);
  context.info('telemetry batch judged for alerts', {
    points: report.points,
    rules: report.rules,
    transitions: report.transitions,
    anomaliesPublished: report.anomaliesPublished,
    skipped: report.skipped,
    notificationsSent: report.notificationsSent,
  });
  for (const f of report.notificationsFailed) context.warn('alert channel failed', f);
  if (report.unpublished.length > 0)
    context.warn('alert changes not published yet; the sweep will retry', { alertIds: report.unpublished });
}

// dataType 'binary': bodies arrive as the plant sent them, so a malformed one is skipped here rather than failing
// inside the host's converter.
const alertsTrigger = {
  ...trigger.eventHub({
    connection: 'EventHubConnection',
    eventHubName: '%TELEMETRY_HUB%',
    consumerGroup: '%TELEMETRY_ALERTS_CONSUMER_GROUP%',
    cardinality: 'many',
  }),
  dataType: 'binary',
};

app.generic('telemetryAlerts', {
  trigger: alertsTrigger,
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: 5,
    minimumInterval: { seconds: 2 },
    maximumInterval: { seconds: 60 },
  },
  handler: (bodies, context) => telemetryAlerts(bodies as unknown[], context),
});
