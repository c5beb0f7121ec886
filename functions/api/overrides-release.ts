import { app } from '@azure/functions';
import { routes } from '../../shared/api/routes.js';
import { overrideDepsFromSettings } from '../../shared/azure/scada-dependencies.js';
import { releaseManual } from '../../shared/scada/override-service.js';
import { apiHandler, httpTrigger } from './respond.js';

/**
 * POST v1/overrides/release: gives the scope back to automatic dispatch (Manager only); 409 when it is not in manual
 * (or changed meanwhile). Its event is queued with the change: a topic outage delays it, never the answer.
 */
export const releaseOverride = apiHandler(routes.overridesRelease, async ({ body, principal, requestId, ctx }) => {
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  const r = await releaseManual(
    await overrideDepsFromSettings((m) => ctx.warn(m)),
    body.scope,
    body.reason,
    actor,
    Date.now(),
  );
  return { status: 200, body: r.override };
});

app.http(routes.overridesRelease.name, httpTrigger(routes.overridesRelease, releaseOverride));
