/**
 * Gauges whose value lives outside the process, read when a metric reader collects (at most once a minute): parked
 * telemetry batches waiting for a replay, and — under the devhost — the depth of each plant-events dead-letter queue.
 * In Azure the dead-letter depth is Service Bus's own `DeadletteredMessages` metric per subscription, which the alert
 * rule and the workbook read (bicep/modules/monitoring.bicep): it needs no receive rights and reports while the app
 * is down.
 */
import { serviceBusTarget } from '../messaging/connection.js';
import { DevhostDeadLetterAdmin } from '../messaging/dead-letters.js';
import { PLANT_EVENT_SUBSCRIPTIONS, PLANT_EVENTS_TOPIC } from '../messaging/subscriptions.js';
import { setGaugeSource } from '../observability/instruments.js';
import { parkedWaitingFromSettings } from './parked-store.js';

/** Registers the storage-read gauges (functions/telemetry.ts calls it once per process). */
export function registerStorageGauges(env: Record<string, string | undefined> = process.env): void {
  setGaugeSource('parkedWaiting', async () => [{ value: await parkedWaitingFromSettings() }]);
  setGaugeSource('deadLetters', async () => {
    // Read at collection time: the devhost names its topic endpoint only once it listens.
    const target = serviceBusTarget(env);
    if (target.kind !== 'devhost') return [];
    const admin = new DevhostDeadLetterAdmin(target.endpoint, PLANT_EVENTS_TOPIC);
    return Promise.all(
      PLANT_EVENT_SUBSCRIPTIONS.map(async (s) => ({
        value: (await admin.list(s.name)).length,
        attributes: { subscription: s.name },
      })),
    );
  });
}
