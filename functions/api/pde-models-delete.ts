import { app } from '@azure/functions';
import { modelWriteDepsFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { routes } from '../../shared/api/routes.js';
import { deleteModel } from '../../shared/api/pde-models.js';
import { apiHandler, httpTrigger } from './respond.js';

/** DELETE v1/pde-models/{modelId}: removes the model when If-Match (if sent) matches; the id is never reused. */
export const deletePdeModel = apiHandler(routes.pdeModelsDelete, async ({ req, params, principal, requestId, ctx }) => {
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  await deleteModel(
    await modelWriteDepsFromSettings((m) => ctx.warn(m)),
    params.modelId,
    actor,
    req.headers.get('if-match') ?? undefined,
  );
  return { status: 204 };
});

app.http(routes.pdeModelsDelete.name, httpTrigger(routes.pdeModelsDelete, deletePdeModel));
