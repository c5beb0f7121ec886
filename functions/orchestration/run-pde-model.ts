import * as df from 'durable-functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { lakeFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { Activity } from '../../shared/orchestration/names.js';
import { runPdeModel, PdeRunRequest, type PdeRunResult } from '../../shared/orchestration/pde-run.js';
import { tracedActivity } from './traced-activity.js';

/** Activity: runs a stored PDE model; the full result goes to the lake, a reference and a summary come back. */
export async function runPdeModelActivity(input: unknown): Promise<PdeRunResult> {
  const [{ models }, lake] = await Promise.all([modelStoreFromSettings(), lakeFromSettings()]);
  return runPdeModel({ models, lake }, PdeRunRequest.parse(input));
}

df.app.activity(Activity.runPdeModel, { handler: tracedActivity(Activity.runPdeModel, runPdeModelActivity) });
