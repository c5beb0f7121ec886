import * as df from 'durable-functions';
import { eventPublisherFromSettings } from '../../shared/azure/scada-dependencies.js';
import { Activity } from '../../shared/orchestration/names.js';
import { AnnounceApprovalRequest, announceAwaitingApproval } from '../../shared/orchestration/record-run.js';

/** Activity: publishes that an advisory run waits for a decision (ledger, and every open control room). */
export async function announceAwaitingApprovalActivity(input: unknown): Promise<{ eventId: string }> {
  return announceAwaitingApproval(
    { publisher: await eventPublisherFromSettings() },
    AnnounceApprovalRequest.parse(input),
  );
}

df.app.activity(Activity.announceAwaitingApproval, { handler: announceAwaitingApprovalActivity });
