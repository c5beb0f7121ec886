import { app } from '@azure/functions';
import { overrideDepsFromSettings } from '../../shared/azure/scada-dependencies.js';
import { ApiError } from '../../shared/http/errors.js';
import { routes } from '../../shared/api/routes.js';
import { OverrideConflictError } from '../../shared/scada/override.js';
import { OverridePublishError, releaseManual } from '../../shared/scada/override-service.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/overrides/release: gives the scope back to automatic dispatch (Manager only); 409 when it is not in manual. */
export const releaseOverride = apiHandler(routes.overridesRelease, async ({ body, principal, requestId }) => {
  try {
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    const r = await releaseManual(await overrideDepsFromSettings(), body.scope, body.reason, actor, Date.now());
    return { status: 200, body: r.override };
  } catch (e) {
    if (e instanceof OverridePublishError)
      throw new ApiError('dependencyUnavailable', e.message, [{ field: e.field, issue: 'not published' }]);
    if (e instanceof OverrideConflictError)
      throw new ApiError('conflict', e.message, [
        { field: `body.${e.field}`, issue: 'not in manual, or changed meanwhile' },
      ]);
    throw e;
  }
});

app.http(routes.overridesRelease.name, httpTrigger(routes.overridesRelease, releaseOverride));
