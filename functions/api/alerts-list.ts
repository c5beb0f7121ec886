import { app } from '@azure/functions';
import { listAlerts } from '../../shared/api/alerts.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/alerts: a page of alerts, newest first, filtered by state, line and cell. */
export const listAlertsPage = apiHandler(routes.alertsList, async ({ query }) => {
  return { status: 200, body: await listAlerts((await alertDependencies()).alerts, query) };
});

app.http(routes.alertsList.name, httpTrigger(routes.alertsList, listAlertsPage));
