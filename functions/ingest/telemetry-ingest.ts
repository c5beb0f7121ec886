import { app, trigger, type InvocationContext } from '@azure/functions';
import { ingestDependencies } from '../../shared/azure/ingest-dependencies.js';
import { recordIngest } from '../../shared/observability/ingest-metrics.js';
import { eventsFromTrigger } from '../../shared/telemetry/trigger-events.js';
import { ingestBatch } from '../../shared/telemetry/ingest.js';
import { BATCH_RIDE_OUT } from '../../shared/kernel/ride-out.js';
import { withDependencies } from '../ride-out-dependencies.js';

/**
 * Cleanses a batch of pot-line telemetry into bronze, silver, quarantine and gold, and updates each cell's latest
 * values. Nothing is dropped: bad input lands in quarantine with a reason. While storage or Cosmos DB is unreachable
 * the batch is kept and tried again (up to ten minutes, the partition waiting behind it); a failure past that, or one
 * a retry cannot fix, makes the host retry by the policy below. Files are named from the sequence range, so a retry
 * rewrites them.
 */
export async function telemetryIngest(bodies: unknown[], context: InvocationContext): Promise<void> {
  const events = eventsFromTrigger(bodies, context.triggerMetadata ?? {});
  // While the lake or Cosmos DB is down the batch waits (its partition behind it) instead of being retried past.
  const summary = await withDependencies(context, BATCH_RIDE_OUT, async () =>
    ingestBatch(events, await ingestDependencies(context)),
  );
  recordIngest(summary);
  context.info('telemetry batch ingested', {
    partition: events[0]?.partition,
    firstSeq: events[0]?.sequenceNumber,
    lastSeq: events.at(-1)?.sequenceNumber,
    pointsIn: summary.pointsIn,
    silverRows: summary.silverRows,
    quarantined: summary.quarantinedByReason,
  });
}

// dataType 'binary': bodies arrive as the bytes the plant sent, so bronze keeps them exactly and malformed JSON
// reaches the cleanser (and quarantine) instead of failing inside the host's converter.
const ingestTrigger = {
  ...trigger.eventHub({
    connection: 'EventHubConnection',
    eventHubName: '%TELEMETRY_HUB%',
    consumerGroup: '%TELEMETRY_CONSUMER_GROUP%',
    cardinality: 'many',
  }),
  dataType: 'binary',
};

app.generic('telemetryIngest', {
  trigger: ingestTrigger,
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: 5,
    minimumInterval: { seconds: 2 },
    maximumInterval: { seconds: 60 },
  },
  handler: (bodies, context) => telemetryIngest(bodies as unknown[], context),
});
