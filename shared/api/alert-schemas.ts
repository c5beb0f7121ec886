/**
 * The API's view of alert rules and alerts (issue 7): the zod schemas the handlers parse with and the OpenAPI
 * document is built from. Bodies reject unknown fields (ERR-4001 naming them), so a misspelt `raiseFors` is never
 * lost silently.
 */
import { z } from 'zod';
import { PageQuery } from '../http/paging.js';
import { Link } from '../http/paging.js';
import { AlertHistoryItem, AlertState } from '../alerts/alert.js';
import { Condition, Escalation, RuleId, RuleScope, Severity } from '../alerts/rule.js';

export const AlertRulePath = z.strictObject({ ruleId: RuleId });

/** An alert id as the API exposes it. */
export const AlertId = z.string().regex(/^al-[0-9a-f]{24}$/, 'expected an alert id like al-0123456789abcdef01234567');
export const AlertPath = z.strictObject({ alertId: AlertId });

/** A stored rule as read back. */
export const AlertRuleView = z.object({
  ruleId: RuleId,
  name: z.string(),
  enabled: z.boolean(),
  scope: RuleScope,
  condition: Condition,
  raiseForS: z.number(),
  clearForS: z.number(),
  severity: Severity,
  channels: z.array(z.string()),
  escalation: Escalation.optional(),
  creationTimestamp: z.iso.datetime(),
  lastModifiedTimestamp: z.iso.datetime(),
  /** Token subject of the creator and of the last writer. */
  createdBy: z.string(),
  lastModifiedBy: z.string(),
  links: z.array(Link),
});
export type AlertRuleView = z.infer<typeof AlertRuleView>;

export const AlertRulePage = z.object({
  items: z.array(AlertRuleView),
  /** Pass back as `continuationToken` for the next page; absent on the last page. */
  continuationToken: z.string().optional(),
  links: z.array(Link),
});
export type AlertRulePage = z.infer<typeof AlertRulePage>;

/** An alert as the API shows it, with its history (the raise and the latest steps). */
export const AlertView = z.object({
  alertId: AlertId,
  /** The condition (a rule id, or an event type) and the scope (a cell or an event subject) it is the open alert of. */
  conditionKey: z.string(),
  scopeKey: z.string(),
  generation: z.number().int(),
  ruleId: z.string().optional(),
  eventType: z.string().optional(),
  lineId: z.string().optional(),
  cellId: z.string().optional(),
  tag: z.string().optional(),
  title: z.string(),
  severity: Severity,
  state: AlertState,
  channels: z.array(z.string()),
  raisedAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().optional(),
  acknowledgedBy: z.string().optional(),
  escalatedAt: z.iso.datetime().optional(),
  clearedAt: z.iso.datetime().optional(),
  clearedBy: z.string().optional(),
  lastValue: z.number().optional(),
  occurrences: z.number().int(),
  history: z.array(AlertHistoryItem),
  links: z.array(Link),
});
export type AlertView = z.infer<typeof AlertView>;

export const AlertPage = z.object({
  items: z.array(AlertView),
  continuationToken: z.string().optional(),
  links: z.array(Link),
});
export type AlertPage = z.infer<typeof AlertPage>;

/** `GET v1/alerts`: paging and optional filters (combined with AND); newest raise first. Unknown parameters are rejected. */
export const AlertListQuery = PageQuery.extend({
  state: AlertState.optional(),
  lineId: z
    .string()
    .regex(/^L\d{1,3}$/, 'expected a line id like L1')
    .optional(),
  cellId: z
    .string()
    .regex(/^L\d{1,3}-(C\d{3,4}|LINE)$/, 'expected a cell id like L1-C001')
    .optional(),
}).strict();
export type AlertListQuery = z.infer<typeof AlertListQuery>;
