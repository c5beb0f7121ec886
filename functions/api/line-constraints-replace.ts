import { app } from '@azure/functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { constraintStoreFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { eventPublisherFromSettings } from '../../shared/azure/scada-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { replaceLineConstraints } from '../../shared/api/line-constraints.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';
import { apiHandler, httpTrigger } from './respond.js';

/** PUT v1/lines/{lineId}/constraints: replaces the line's user constraints (If-Match honoured) and publishes the change. */
export const replaceLineConstraintsHandler = apiHandler(
  routes.lineConstraintsReplace,
  async ({ req, params, body, principal, requestId, ctx }) => {
    const [store, { audit }, publisher] = await Promise.all([
      constraintStoreFromSettings(),
      modelStoreFromSettings(),
      eventPublisherFromSettings(),
    ]);
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    const { view, etag } = await replaceLineConstraints(
      { store, audit, publisher, plant: currentPlantFromSettings, warn: (m) => ctx.warn(m) },
      params.lineId,
      body,
      actor,
      req.headers.get('if-match') ?? undefined,
    );
    return { status: 200, body: view, headers: { etag } };
  },
);

app.http(routes.lineConstraintsReplace.name, httpTrigger(routes.lineConstraintsReplace, replaceLineConstraintsHandler));
