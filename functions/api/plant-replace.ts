import { app } from '@azure/functions';
import { replacePlant } from '../../shared/api/plant.js';
import { routes } from '../../shared/api/routes.js';
import { eventPublisherFromSettings } from '../../shared/azure/composition-root.js';
import { auditLogFromSettings } from '../../shared/azure/cosmos-audit-log.js';
import { plantSourceFromSettings, plantStoreFromSettings } from '../../shared/azure/plant-dependencies.js';
import { apiHandler, httpTrigger } from './respond.js';

/** PUT v1/plant: makes a new plant-model version the one in force (Manager, If-Match required). */
export const replacePlantModel = apiHandler(routes.plantReplace, async ({ req, body, principal, requestId, ctx }) => {
  const [source, store, audit, publisher] = await Promise.all([
    plantSourceFromSettings(),
    plantStoreFromSettings(),
    auditLogFromSettings(),
    eventPublisherFromSettings(),
  ]);
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  const { view, etag } = await replacePlant(
    { source, store, audit, publisher, warn: (m) => ctx.warn(m) },
    body,
    req.headers.get('if-match') ?? undefined,
    actor,
  );
  return { status: 200, body: view, headers: { etag } };
});

app.http(routes.plantReplace.name, httpTrigger(routes.plantReplace, replacePlantModel));
