import {
  AlertListQuery,
  AlertPage,
  AlertPath,
  AlertRulePage,
  AlertRulePath,
  AlertRuleView,
  AlertView,
} from '../alert-schemas.js';
import { AlertRuleBody, AlertRuleCreateBody } from '../../alerts/rule.js';
import { PageQuery } from '../../http/paging.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS, type HeaderSpec } from '../../http/route-spec.js';
import { queuesLedgerEvent } from './ledger-event.js';

/** Engineers own the rules (US-4.2); Managers may do everything. */
const RULE_WRITERS = ['Engineer', 'Manager'] as const;
/** Anyone on shift acknowledges an alert (issue 7: Operator acknowledges alerts). */
const ACKNOWLEDGERS = ['Operator', 'Engineer', 'Manager'] as const;
const ETAG = { ETag: 'Version of the rule; send it back as If-Match to replace or delete safely.' };
const IF_MATCH: HeaderSpec = {
  name: 'If-Match',
  description:
    'ETag from a previous read: the write happens only if the rule is unchanged (412 ERR-4121 otherwise). Omit for last-writer-wins.',
};

/** Alert rules (CRUD with If-Match) and alerts (list, acknowledge): shared/alerts. */
export const alertRoutes = {
  alertRulesCreate: defineRoute({
    name: 'alert-rules-create',
    method: 'POST',
    path: v1('alert-rules'),
    access: RULE_WRITERS,
    summary: 'Create an alert rule under the id you choose; it applies to telemetry within ALERT_RULES_REFRESH_S',
    description: queuesLedgerEvent('smelter.alert-rule.changed'),
    tag: 'alert-rules',
    body: AlertRuleCreateBody,
    responses: {
      201: { description: 'Created', schema: AlertRuleView, headers: { Location: 'URL of the new rule', ...ETAG } },
      409: { description: 'A rule with this id exists' },
    },
  }),
  alertRulesList: defineRoute({
    name: 'alert-rules-list',
    method: 'GET',
    path: v1('alert-rules'),
    access: READERS,
    summary: 'List alert rules in id order, a page at a time',
    tag: 'alert-rules',
    query: PageQuery,
    responses: { 200: { description: 'A page of rules', schema: AlertRulePage } },
  }),
  alertRulesGet: defineRoute({
    name: 'alert-rules-get',
    method: 'GET',
    path: v1('alert-rules/{ruleId}'),
    access: READERS,
    summary: 'Read one alert rule',
    tag: 'alert-rules',
    params: AlertRulePath,
    responses: {
      200: { description: 'The rule', schema: AlertRuleView, headers: ETAG },
      404: { description: 'No such rule' },
    },
  }),
  alertRulesReplace: defineRoute({
    name: 'alert-rules-replace',
    method: 'PUT',
    path: v1('alert-rules/{ruleId}'),
    access: RULE_WRITERS,
    summary: 'Replace an alert rule (thresholds, durations, channels, escalation) without a deploy',
    description: queuesLedgerEvent('smelter.alert-rule.changed'),
    tag: 'alert-rules',
    params: AlertRulePath,
    body: AlertRuleBody,
    requestHeaders: [IF_MATCH],
    responses: {
      200: { description: 'The replaced rule', schema: AlertRuleView, headers: ETAG },
      404: { description: 'No such rule' },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
  alertRulesDelete: defineRoute({
    name: 'alert-rules-delete',
    method: 'DELETE',
    path: v1('alert-rules/{ruleId}'),
    access: RULE_WRITERS,
    summary: 'Delete an alert rule; its open alerts are cleared',
    description: queuesLedgerEvent('smelter.alert-rule.changed'),
    tag: 'alert-rules',
    params: AlertRulePath,
    requestHeaders: [IF_MATCH],
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such rule' },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
  alertsList: defineRoute({
    name: 'alerts-list',
    method: 'GET',
    path: v1('alerts'),
    access: READERS,
    summary: 'List alerts, newest first, filtered by state, line and cell, a page at a time',
    tag: 'alerts',
    query: AlertListQuery,
    responses: { 200: { description: 'A page of alerts', schema: AlertPage } },
  }),
  alertsAcknowledge: defineRoute({
    name: 'alerts-acknowledge',
    method: 'POST',
    path: v1('alerts/{alertId}/acknowledge'),
    access: ACKNOWLEDGERS,
    summary: 'Acknowledge an alert (a person has seen it): it stops escalating; acknowledging again changes nothing',
    description: queuesLedgerEvent('smelter.alert.acknowledged'),
    tag: 'alerts',
    params: AlertPath,
    responses: {
      200: { description: 'The acknowledged alert', schema: AlertView },
      404: { description: 'No such alert' },
      409: { description: 'The alert is already cleared' },
    },
  }),
} as const;
