import { app } from '@azure/functions';
import { listRules } from '../../shared/api/alert-rules.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/alert-rules: a page of rules in id order with a continuation token for the next. */
export const listAlertRules = apiHandler(routes.alertRulesList, async ({ query }) => {
  return { status: 200, body: await listRules(await alertDependencies(), query) };
});

app.http(routes.alertRulesList.name, httpTrigger(routes.alertRulesList, listAlertRules));
