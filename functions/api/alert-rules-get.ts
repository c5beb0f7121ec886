import { app } from '@azure/functions';
import { getRule } from '../../shared/api/alert-rules.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/alert-rules/{ruleId}: the rule and its ETag. */
export const getAlertRule = apiHandler(routes.alertRulesGet, async ({ params }) => {
  const { rule, etag } = await getRule(await alertDependencies(), params.ruleId);
  return { status: 200, body: rule, headers: { etag } };
});

app.http(routes.alertRulesGet.name, httpTrigger(routes.alertRulesGet, getAlertRule));
