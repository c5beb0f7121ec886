import { app } from '@azure/functions';
import { createRule } from '../../shared/api/alert-rules.js';
import { alertRuleWriteDeps } from './alert-rule-deps.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/alert-rules: stores a new rule under the id in the body and answers 201 with its link and ETag. */
export const createAlertRule = apiHandler(routes.alertRulesCreate, async ({ body, principal, requestId, ctx }) => {
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  const { rule, etag, location } = await createRule(await alertRuleWriteDeps(ctx), body, actor);
  return { status: 201, body: rule, headers: { location, etag } };
});

app.http(routes.alertRulesCreate.name, httpTrigger(routes.alertRulesCreate, createAlertRule));
