import { app } from '@azure/functions';
import { modelWriteDepsFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { routes } from '../../shared/api/routes.js';
import { createModel } from '../../shared/api/pde-models.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/pde-models: stores a new model under the next id and answers 201 with its link and ETag. */
export const createPdeModel = apiHandler(routes.pdeModelsCreate, async ({ body, principal, requestId, ctx }) => {
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  const { created, etag, location } = await createModel(
    await modelWriteDepsFromSettings((m) => ctx.warn(m)),
    body,
    actor,
  );
  return { status: 201, body: created, headers: { location, etag } };
});

app.http(routes.pdeModelsCreate.name, httpTrigger(routes.pdeModelsCreate, createPdeModel));
