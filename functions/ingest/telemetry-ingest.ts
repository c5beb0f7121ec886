import { app, trigger, type InvocationContext } from '@azure/functions';
import { ingestDependencies } from '../../shared/azure/ingest-dependencies.js';
import { parkedStoreFromSettings } from '../../shared/azure/parked-store.js';
import { settings } from '../../shared/config/settings.js';
import { recordIngest, recordParked, recordParkFailure } from '../../shared/observability/ingest-metrics.js';
import { inSpan, SPAN_ATTRIBUTES, SpanKind } from '../../shared/observability/tracing.js';
import { ingestBatch } from '../../shared/telemetry/ingest.js';
import { ingestOrPark, ParkFailedError } from '../../shared/telemetry/parked-batches.js';
import { eventsFromTrigger } from '../../shared/telemetry/trigger-events.js';

/**
 * Cleanses a batch of pot-line telemetry into bronze, silver, quarantine and gold, and updates each cell's latest
 * values. Nothing is dropped: bad input lands in quarantine with a reason. A thrown error (storage unreachable) makes
 * the host retry the batch by the policy below; files are named from the sequence range, so a retry rewrites them.
 * On the last attempt a batch that still fails is parked (raw events, range, last error) before the function
 * returns, so the checkpoint the host then writes never passes a batch that is not safe somewhere.
 */
export async function telemetryIngest(bodies: unknown[], context: InvocationContext): Promise<void> {
  const events = eventsFromTrigger(bodies, context.triggerMetadata ?? {});
  const partition = events[0]?.partition ?? 'unknown';
  const attributes = {
    [SPAN_ATTRIBUTES.partition]: partition,
    [SPAN_ATTRIBUTES.eventCount]: events.length,
    ...(events.length
      ? {
          [SPAN_ATTRIBUTES.firstSeq]: events[0]!.sequenceNumber,
          [SPAN_ATTRIBUTES.lastSeq]: events.at(-1)!.sequenceNumber,
        }
      : {}),
  };
  await inSpan('ingest batch', { kind: SpanKind.CONSUMER, attributes }, async (span) => {
    const s = settings();
    let outcome;
    try {
      outcome = await ingestOrPark(events, {
        ingest: async () => ingestBatch(events, await ingestDependencies(context)),
        parked: parkedStoreFromSettings,
        hub: s.TELEMETRY_HUB,
        consumerGroup: s.TELEMETRY_CONSUMER_GROUP,
        retry: context.retryContext,
        log: context,
      });
    } catch (err) {
      if (err instanceof ParkFailedError) recordParkFailure(partition);
      throw err;
    }
    if (outcome.kind === 'parked') {
      recordParked(partition);
      span.setAttribute('smelter.ingest.parked_at', outcome.path);
      return;
    }
    const summary = outcome.summary;
    recordIngest(summary);
    context.info('telemetry batch ingested', {
      partition,
      firstSeq: events[0]?.sequenceNumber,
      lastSeq: events.at(-1)?.sequenceNumber,
      pointsIn: summary.pointsIn,
      silverRows: summary.silverRows,
      quarantined: summary.quarantinedByReason,
    });
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

// Five retries, 2 s doubling to 60 s: about a minute of waits (plus each attempt's own storage retries) before the
// batch is parked.
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
