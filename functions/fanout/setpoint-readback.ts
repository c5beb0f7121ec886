import { app, trigger, type InvocationContext } from '@azure/functions';
import { readbackObserverDepsFromSettings } from '../../shared/azure/scada-dependencies.js';
import { currentJudgingTagResolver } from '../../shared/azure/tag-resolver-dependencies.js';
import { observeReadback, readbackReportsOf } from '../../shared/scada/readback-observer.js';
import { bodyBytes } from '../../shared/telemetry/trigger-events.js';

/**
 * Follows the plant's read-back of its active set points on its own consumer group: keeps each cell's newest reports
 * for the safety envelope and records every change, auditing and publishing those no command of ours explains. A
 * store or topic failure throws, so the host retries the batch by the policy below.
 */
export async function setpointReadback(bodies: unknown[], context: InvocationContext): Promise<void> {
  // Through the plant's tag maps: a plant reports its set points under its own tag names too.
  const reports = readbackReportsOf(bodies.map(bodyBytes), await currentJudgingTagResolver());
  if (reports.length === 0) return;
  const summary = await observeReadback(reports, await readbackObserverDepsFromSettings());
  for (const c of summary.external) {
    context.warn(
      `set point changed outside the platform: ${c.equipmentId} ${c.field} ${c.from} → ${c.to} at ${new Date(c.atMs).toISOString()} (change ${c.id})`,
    );
  }
  if (summary.future > 0)
    context.warn(`${summary.future} read-back report(s) dated in the future were refused; check the plant's clock`);
}

// dataType 'binary': a malformed body is skipped here (ingestion quarantines it) instead of failing in the converter.
const readbackTrigger = {
  ...trigger.eventHub({
    connection: 'EventHubConnection',
    eventHubName: '%TELEMETRY_HUB%',
    consumerGroup: '%TELEMETRY_READBACK_CONSUMER_GROUP%',
    cardinality: 'many',
  }),
  dataType: 'binary',
};

app.generic('setpointReadback', {
  trigger: readbackTrigger,
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: 5,
    minimumInterval: { seconds: 2 },
    maximumInterval: { seconds: 60 },
  },
  handler: (bodies, context) => setpointReadback(bodies as unknown[], context),
});
