import { app } from '@azure/functions';
import { modelWriteDepsFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { routes } from '../../shared/api/routes.js';
import { replaceModel } from '../../shared/api/pde-models.js';
import { apiHandler, httpTrigger } from './respond.js';

/** PUT v1/pde-models/{modelId}: replaces the model when If-Match (if sent) matches; 412 ERR-4121 otherwise. */
export const replacePdeModel = apiHandler(
  routes.pdeModelsReplace,
  async ({ req, params, body, principal, requestId, ctx }) => {
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    const ifMatch = req.headers.get('if-match') ?? undefined;
    const { model, etag } = await replaceModel(
      await modelWriteDepsFromSettings((m) => ctx.warn(m)),
      params.modelId,
      body,
      actor,
      ifMatch,
    );
    return { status: 200, body: model, headers: { etag } };
  },
);

app.http(routes.pdeModelsReplace.name, httpTrigger(routes.pdeModelsReplace, replacePdeModel));
