import { app } from '@azure/functions';
import { acknowledgeAlert } from '../../shared/api/alerts.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/alerts/{alertId}/acknowledge: the alert stops escalating; 409 ERR-4091 when it is already cleared. */
export const acknowledgeAlertById = apiHandler(
  routes.alertsAcknowledge,
  async ({ params, principal, requestId, ctx }) => {
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    const deps = await alertDependencies();
    const records = deps.records((alertId, e) =>
      ctx.warn(
        `alerts-acknowledge: request ${requestId}: change of ${alertId} left for the sweep to publish (${String(e)})`,
      ),
    );
    const { alert } = await acknowledgeAlert({ records, audit: deps.audit }, params.alertId, actor);
    return { status: 200, body: alert };
  },
);

app.http(routes.alertsAcknowledge.name, httpTrigger(routes.alertsAcknowledge, acknowledgeAlertById));
