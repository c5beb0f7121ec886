import * as df from 'durable-functions';
import { lakeFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { eventPublisherFromSettings } from '../../shared/azure/scada-dependencies.js';
import { Activity } from '../../shared/orchestration/names.js';
import { publishOptimizationEvents, PublishRunRequest } from '../../shared/orchestration/record-run.js';
import { tracedActivity } from './traced-activity.js';

/**
 * Activity: publishes the run's plant events through the EventPublisher (not an output binding: a Node.js binding
 * cannot set the `type` property the subscriptions filter on, shared/messaging/README.md).
 */
export async function publishOptimizationEventsActivity(input: unknown): Promise<{ eventIds: string[] }> {
  const [lake, publisher] = await Promise.all([lakeFromSettings(), eventPublisherFromSettings()]);
  return publishOptimizationEvents({ lake, publisher }, PublishRunRequest.parse(input));
}

df.app.activity(Activity.publishOptimizationEvents, {
  handler: tracedActivity(Activity.publishOptimizationEvents, publishOptimizationEventsActivity),
});
