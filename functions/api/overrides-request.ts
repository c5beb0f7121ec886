import { app } from '@azure/functions';
import { routes } from '../../shared/api/routes.js';
import { overrideDepsFromSettings } from '../../shared/azure/scada-dependencies.js';
import { requestManual } from '../../shared/scada/override-service.js';
import { apiHandler, httpTrigger } from './respond.js';

/**
 * POST v1/overrides: the scope is in manual once this answers (201), or already was (200); 409 when another request
 * changed it at the same instant. Its event is queued with the change: a topic outage delays it, never the answer.
 */
export const requestOverride = apiHandler(routes.overridesRequest, async ({ body, principal, requestId, ctx }) => {
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  const r = await requestManual(
    await overrideDepsFromSettings((m) => ctx.warn(m)),
    body.scope,
    body.reason,
    actor,
    Date.now(),
  );
  return { status: r.changed ? 201 : 200, body: r.override };
});

app.http(routes.overridesRequest.name, httpTrigger(routes.overridesRequest, requestOverride));
