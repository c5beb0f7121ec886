import * as df from 'durable-functions';
import { lakeFromSettings, runStoreFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { Activity } from '../../shared/orchestration/names.js';
import { recordOptimizationRun, RecordRunRequest } from '../../shared/orchestration/record-run.js';
import type { LakeRef } from '../../shared/orchestration/schemas.js';
import { tracedActivity } from './traced-activity.js';

/** Activity: records the finished run (Cosmos `optimization-runs`) and its full recommendation (lake). */
export async function recordOptimizationRunActivity(input: unknown): Promise<{ recommendation?: LakeRef }> {
  const [lake, runs] = await Promise.all([lakeFromSettings(), runStoreFromSettings()]);
  return recordOptimizationRun({ lake, runs }, RecordRunRequest.parse(input));
}

df.app.activity(Activity.recordOptimizationRun, {
  handler: tracedActivity(Activity.recordOptimizationRun, recordOptimizationRunActivity),
});
