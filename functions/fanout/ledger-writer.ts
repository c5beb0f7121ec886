import { app, type InvocationContext } from '@azure/functions';
import { settings } from '../../shared/config/settings.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { lakeServiceClient } from '../../shared/azure/clients.js';
import { openAuditLedger } from '../../shared/azure/confidential-ledger.js';
import { recordPlantEvent, type LedgerWriterDeps } from '../../shared/ledger/ledger-writer.js';
import { LEDGER_CONTAINER } from '../../shared/ledger/paths.js';
import { parsePlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { MESSAGE_RIDE_OUT } from '../../shared/kernel/ride-out.js';
import { withDependencies } from '../ride-out-dependencies.js';

let deps: Promise<LedgerWriterDeps> | undefined;

/** Lake and ledger, built once per process; a failed start is not cached so the next message tries again. */
function ledgerWriterDeps(): Promise<LedgerWriterDeps> {
  deps ??= (async () => {
    const s = settings();
    const lake = await BlobLakeStore.create(lakeServiceClient(s), [LEDGER_CONTAINER]);
    return { lake, ledger: await openAuditLedger(process.env, lake, s.PLANT_ID), collectionId: s.PLANT_ID };
  })().catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return deps;
}

/**
 * Audits one plant event (set-point command states, overrides, model changes, optimisation results): the full
 * event goes to the lake, a digest entry to the ledger. A redelivered event finds its entry and appends nothing.
 * A bad envelope throws, so the message is retried and then dead-lettered with the reason.
 */
export async function ledgerWriter(message: unknown, context: InvocationContext): Promise<void> {
  const event = parsePlantEvent(message);
  // Completed only after the append is durable: a failure leaves the message, kept while storage comes back.
  const result = await withDependencies(context, MESSAGE_RIDE_OUT, async () =>
    recordPlantEvent(event, await ledgerWriterDeps()),
  );
  context.info('plant event audited', {
    eventId: event.id,
    type: event.type,
    entryId: result.entryId,
    transactionId: result.transactionId,
    duplicate: result.duplicate,
  });
}

app.serviceBusTopic('ledgerWriter', {
  connection: 'ServiceBusConnection',
  topicName: PLANT_EVENTS_TOPIC,
  subscriptionName: 'ledger',
  handler: ledgerWriter,
});
