import * as df from 'durable-functions';
import { optimizeDeps } from '../../shared/azure/orchestration-dependencies.js';
import { Activity } from '../../shared/orchestration/names.js';
import {
  OptimizeRequest,
  optimizeSetPoints,
  type OptimizeResult,
} from '../../shared/orchestration/optimize-set-points.js';
import { tracedActivity } from './traced-activity.js';

/** Activity: solves the line problem of one round and writes the full recommendation to the lake. */
export async function optimizeSetPointsActivity(input: unknown): Promise<OptimizeResult> {
  return optimizeSetPoints(await optimizeDeps(), OptimizeRequest.parse(input));
}

df.app.activity(Activity.optimizeSetPoints, {
  handler: tracedActivity(Activity.optimizeSetPoints, optimizeSetPointsActivity),
});
