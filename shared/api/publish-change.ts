import type { PlantEvent } from '../messaging/cloud-event.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { ApiError } from '../http/errors.js';

/**
 * Publishes the plant event of a change the API has already stored (and recorded in the audit log), so the ledger
 * audits it. When the topic refuses it, the caller gets 503 ERR-5031 saying the change stands and which event is
 * missing (so it is not repeated blindly); the error is logged with the request id by the handler wrapper.
 */
export async function publishStoredChange(publisher: EventPublisher, event: PlantEvent, stored: string): Promise<void> {
  try {
    await publisher.publish([event]);
  } catch (e) {
    throw new ApiError(
      'dependencyUnavailable',
      `${stored}, but its ledger event ${event.id} could not be published (${e instanceof Error ? e.message : String(e)}); do not repeat the change — quote the request id to have the event re-sent.`,
      [{ field: 'ledger', issue: 'change stored, ledger event not published' }],
    );
  }
}
