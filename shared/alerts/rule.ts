/**
 * Alert rules (US-4.2): what users define, stored in Cosmos and changed through the API without a deploy.
 * Thresholds come in raise/clear pairs (hysteresis): an alert is raised beyond `raise` and cleared only back
 * past `clear`, so a value wandering between the two neither clears it nor raises another.
 */
import { z } from 'zod';
import { AlertError } from './errors.js';

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** Which points a rule watches: a tag, optionally narrowed to one line or one cell. */
export const RuleScope = z
  .object({
    tag: z.string().min(1).max(64),
    lineId: z
      .string()
      .regex(/^L\d{1,3}$/)
      .optional(),
    cellId: z
      .string()
      .regex(/^L\d{1,3}-(C\d{3,4}|LINE)$/)
      .optional(),
  })
  .strict();
export type RuleScope = z.infer<typeof RuleScope>;

export const Condition = z.discriminatedUnion('kind', [
  /** Value above `raise`; cleared at or below `clear` (clear ≤ raise). */
  z.object({ kind: z.literal('above'), raise: z.number(), clear: z.number() }).strict(),
  /** Value below `raise`; cleared at or above `clear` (clear ≥ raise). */
  z.object({ kind: z.literal('below'), raise: z.number(), clear: z.number() }).strict(),
  /** Value outside [low.raise, high.raise]; cleared back inside [low.clear, high.clear]. */
  z
    .object({
      kind: z.literal('outside_band'),
      low: z.object({ raise: z.number(), clear: z.number() }).strict(),
      high: z.object({ raise: z.number(), clear: z.number() }).strict(),
    })
    .strict(),
  /** |Δvalue| per minute above `raisePerMin`; cleared below `clearPerMin`. */
  z
    .object({
      kind: z.literal('rate_of_change'),
      raisePerMin: z.number().positive(),
      clearPerMin: z.number().nonnegative(),
    })
    .strict(),
  /** No point for `afterS` seconds; cleared when data arrives again. */
  z.object({ kind: z.literal('missing_data'), afterS: z.number().positive() }).strict(),
]);
export type Condition = z.infer<typeof Condition>;

export const Escalation = z
  .object({
    /** Minutes an alert may stay unacknowledged before it escalates. */
    afterMin: z
      .number()
      .positive()
      .max(7 * 24 * 60),
    channels: z.array(z.string().min(1).max(64)).min(1).max(20),
    severity: Severity.optional(),
  })
  .strict();

/** A rule id: chosen by whoever creates the rule (`bath-hot-L1`), so a repeated create is refused rather than duplicated. */
export const RuleId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 letters, digits, ., - or _');

/** Everything a rule says except its id (the body of a replace). */
const RuleFields = z
  .object({
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    scope: RuleScope,
    condition: Condition,
    /** Seconds the raise condition must hold before the alert is raised. */
    raiseForS: z.number().nonnegative().max(86_400).default(0),
    /** Seconds the clear condition must hold before the alert clears. */
    clearForS: z.number().nonnegative().max(86_400).default(0),
    severity: Severity,
    channels: z.array(z.string().min(1).max(64)).max(20).default([]),
    escalation: Escalation.optional(),
  })
  .strict();

/** Thresholds on the right side of each other, naming the field otherwise. */
function checkHysteresis(rule: { condition: Condition }, ctx: z.RefinementCtx): void {
  const c = rule.condition;
  const bad = (path: string[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['condition', ...path], message });
  if (c.kind === 'above' && c.clear > c.raise)
    bad(['clear'], 'must be ≤ raise for an "above" rule (hysteresis below the threshold)');
  if (c.kind === 'below' && c.clear < c.raise)
    bad(['clear'], 'must be ≥ raise for a "below" rule (hysteresis above the threshold)');
  if (c.kind === 'outside_band') {
    if (c.low.clear < c.low.raise) bad(['low', 'clear'], 'must be ≥ low.raise');
    if (c.high.clear > c.high.raise) bad(['high', 'clear'], 'must be ≤ high.raise');
    if (c.low.clear > c.high.clear) bad(['low', 'clear'], 'must be ≤ high.clear');
  }
  if (c.kind === 'rate_of_change' && c.clearPerMin > c.raisePerMin) bad(['clearPerMin'], 'must be ≤ raisePerMin');
}

export const AlertRule = RuleFields.extend({ id: RuleId }).strict().superRefine(checkHysteresis);
/** The body of `PUT v1/alert-rules/{ruleId}`: the rule without its id (the path names it). Unknown fields are rejected. */
export const AlertRuleBody = RuleFields.superRefine(checkHysteresis);
export type AlertRuleBody = z.infer<typeof AlertRuleBody>;
/** The body of `POST v1/alert-rules`: the rule with the id it is to have. Unknown fields are rejected. */
export const AlertRuleCreateBody = RuleFields.extend({ ruleId: RuleId }).strict().superRefine(checkHysteresis);
export type AlertRuleCreateBody = z.infer<typeof AlertRuleCreateBody>;
export type AlertRule = z.infer<typeof AlertRule>;
export type AlertRuleInput = z.input<typeof AlertRule>;

/** Parses a rule (API body or stored document); throws AlertError naming the field. */
export function parseAlertRule(value: unknown): AlertRule {
  const parsed = AlertRule.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AlertError(
      'ERR-ALERT-RULE-INVALID',
      `alert rule ${issue?.message ?? 'is invalid'}`,
      issue?.path.join('.') || 'rule',
    );
  }
  return parsed.data;
}

/** A telemetry point as the evaluator takes it: canonical units, epoch ms. */
export const EvaluablePoint = z.object({
  lineId: z.string(),
  cellId: z.string(),
  tag: z.string(),
  tsMs: z.number(),
  value: z.number(),
});
export type EvaluablePoint = z.infer<typeof EvaluablePoint>;

/** True when the rule watches this point. */
export function ruleMatches(rule: AlertRule, p: Pick<EvaluablePoint, 'lineId' | 'cellId' | 'tag'>): boolean {
  return (
    rule.enabled &&
    rule.scope.tag === p.tag &&
    (rule.scope.lineId === undefined || rule.scope.lineId === p.lineId) &&
    (rule.scope.cellId === undefined || rule.scope.cellId === p.cellId)
  );
}
