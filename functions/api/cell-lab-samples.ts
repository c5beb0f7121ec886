import { app } from '@azure/functions';
import { labLakeFromSettings } from '../../shared/azure/lab-dependencies.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';
import { cellLabSamples } from '../../shared/api/lab-samples.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/cells/{cellId}/lab-samples: the cell's bath and metal samples over a bounded range, newest first. */
export const getCellLabSamples = apiHandler(routes.cellLabSamples, async ({ params, query }) => ({
  status: 200,
  body: await cellLabSamples(
    { lake: await labLakeFromSettings(), plant: currentPlantFromSettings },
    params.cellId,
    query,
  ),
}));

app.http(routes.cellLabSamples.name, httpTrigger(routes.cellLabSamples, getCellLabSamples));
