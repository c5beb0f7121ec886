import { app } from '@azure/functions';
import { replaceRule } from '../../shared/api/alert-rules.js';
import { alertRuleWriteDeps } from './alert-rule-deps.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** PUT v1/alert-rules/{ruleId}: replaces the rule when If-Match (if sent) matches; 412 ERR-4121 otherwise. */
export const replaceAlertRule = apiHandler(
  routes.alertRulesReplace,
  async ({ req, params, body, principal, requestId, ctx }) => {
    const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
    const { rule, etag } = await replaceRule(
      await alertRuleWriteDeps(ctx),
      params.ruleId,
      body,
      actor,
      req.headers.get('if-match') ?? undefined,
    );
    return { status: 200, body: rule, headers: { etag } };
  },
);

app.http(routes.alertRulesReplace.name, httpTrigger(routes.alertRulesReplace, replaceAlertRule));
