/**
 * `smelter.alert-rule.changed`: every create, replace and delete of an alert rule through the API, published so the
 * ledger keeps who changed which threshold and when (the rule as written, or as it was when deleted).
 */
import { z } from 'zod';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { AlertRule } from './rule.js';
import type { StoredAlertRule } from './store.js';

export const AlertRuleChange = z.enum(['created', 'replaced', 'deleted']);
export type AlertRuleChange = z.infer<typeof AlertRuleChange>;

export const AlertRuleChangedData = z
  .object({
    change: AlertRuleChange,
    ruleId: z.string(),
    rule: AlertRule,
    /** ETag of the version written, or of the version deleted. */
    etag: z.string(),
    changedBy: z.string(),
    correlationId: z.string(),
    atMs: z.number().int(),
  })
  .strict();
export type AlertRuleChangedData = z.infer<typeof AlertRuleChangedData>;

/** Producer of rule events (CloudEvents `source`). */
export const RULE_EVENT_SOURCE = '/functions/api/alert-rules';

/** The event of one rule change; the id comes from rule id, change and ETag, so a re-send is the same event. */
export function ruleChangedEvent(
  change: AlertRuleChange,
  stored: StoredAlertRule,
  actor: { subject: string; correlationId: string },
  atMs: number,
): PlantEvent {
  const data = AlertRuleChangedData.parse({
    change,
    ruleId: stored.rule.id,
    rule: stored.rule,
    etag: stored.etag,
    changedBy: actor.subject,
    correlationId: actor.correlationId,
    atMs,
  });
  return cloudEvent(PlantEventType.alertRuleChanged, stored.rule.id, data, {
    id: `${stored.rule.id}/${change}/${stored.etag}`,
    source: RULE_EVENT_SOURCE,
    correlationId: actor.correlationId,
    time: new Date(atMs),
  });
}
