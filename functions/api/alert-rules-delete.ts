import { app } from '@azure/functions';
import { deleteRule } from '../../shared/api/alert-rules.js';
import { alertRuleWriteDeps } from './alert-rule-deps.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** DELETE v1/alert-rules/{ruleId}: removes the rule when If-Match (if sent) matches, and clears its open alerts. */
export const deleteAlertRule = apiHandler(
  routes.alertRulesDelete,
  async ({ req, params, principal, requestId, ctx }) => {
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    await deleteRule(await alertRuleWriteDeps(ctx), params.ruleId, actor, req.headers.get('if-match') ?? undefined);
    return { status: 204 };
  },
);

app.http(routes.alertRulesDelete.name, httpTrigger(routes.alertRulesDelete, deleteAlertRule));
