import { app } from '@azure/functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { routes } from '../../shared/api/routes.js';
import { listModels } from '../../shared/api/pde-models.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/pde-models: a page of models in id order with a continuation token for the next. */
export const listPdeModels = apiHandler(routes.pdeModelsList, async ({ query }) => {
  return { status: 200, body: await listModels(await modelStoreFromSettings(), query) };
});

app.http(routes.pdeModelsList.name, httpTrigger(routes.pdeModelsList, listPdeModels));
