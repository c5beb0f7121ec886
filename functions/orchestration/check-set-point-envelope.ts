import * as df from 'durable-functions';
import { envelopeDeps } from '../../shared/azure/orchestration-dependencies.js';
import {
  checkSetPointEnvelope,
  EnvelopeCheckRequest,
  type EnvelopeCheckResult,
} from '../../shared/orchestration/envelope-check.js';
import { Activity } from '../../shared/orchestration/names.js';
import { tracedActivity } from './traced-activity.js';

/** Activity: checks the round's set points against the safety envelope as the SCADA dispatcher will. */
export async function checkSetPointEnvelopeActivity(input: unknown): Promise<EnvelopeCheckResult> {
  return checkSetPointEnvelope(await envelopeDeps(), EnvelopeCheckRequest.parse(input));
}

df.app.activity(Activity.checkSetPointEnvelope, {
  handler: tracedActivity(Activity.checkSetPointEnvelope, checkSetPointEnvelopeActivity),
});
