import { app } from '@azure/functions';
import { overrideDepsFromSettings } from '../../shared/azure/scada-dependencies.js';
import { ApiError } from '../../shared/http/errors.js';
import { routes } from '../../shared/api/routes.js';
import { OverrideConflictError } from '../../shared/scada/override.js';
import { OverridePublishError, requestManual } from '../../shared/scada/override-service.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/overrides: the scope is in manual once this answers (201), or already was (200). */
export const requestOverride = apiHandler(routes.overridesRequest, async ({ body, principal, requestId }) => {
  try {
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    const r = await requestManual(await overrideDepsFromSettings(), body.scope, body.reason, actor, Date.now());
    return { status: r.changed ? 201 : 200, body: r.override };
  } catch (e) {
    if (e instanceof OverridePublishError)
      throw new ApiError('dependencyUnavailable', e.message, [{ field: e.field, issue: 'not published' }]);
    // Two requests for one scope at the same instant: the other one won; the caller can read and retry.
    if (e instanceof OverrideConflictError)
      throw new ApiError('conflict', e.message, [{ field: 'body.scope', issue: 'changed meanwhile' }]);
    throw e;
  }
});

app.http(routes.overridesRequest.name, httpTrigger(routes.overridesRequest, requestOverride));
