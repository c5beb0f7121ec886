import * as df from 'durable-functions';
import { predictDeps } from '../../shared/azure/orchestration-dependencies.js';
import { Activity } from '../../shared/orchestration/names.js';
import {
  predictCells,
  PredictCellsRequest,
  type PredictCellsResult,
} from '../../shared/orchestration/predict-cells.js';
import { tracedActivity } from './traced-activity.js';

/** Activity: describes one chunk of cells from their measurements and predicts their present steady state. */
export async function predictCellsActivity(input: unknown): Promise<PredictCellsResult> {
  return predictCells(await predictDeps(), PredictCellsRequest.parse(input));
}

df.app.activity(Activity.predictCells, { handler: tracedActivity(Activity.predictCells, predictCellsActivity) });
