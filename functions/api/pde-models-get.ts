import { app } from '@azure/functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { routes } from '../../shared/api/routes.js';
import { getModel } from '../../shared/api/pde-models.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/pde-models/{modelId}: the model and its ETag. */
export const getPdeModel = apiHandler(routes.pdeModelsGet, async ({ params }) => {
  const { model, etag } = await getModel(await modelStoreFromSettings(), params.modelId);
  return { status: 200, body: model, headers: { etag } };
});

app.http(routes.pdeModelsGet.name, httpTrigger(routes.pdeModelsGet, getPdeModel));
