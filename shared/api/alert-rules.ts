/**
 * Alert rules through the API (US-4.2, issue 7): create, list, read, replace with If-Match, delete. Every write is
 * recorded in the audit log (who, what, when, correlation id) and published as `smelter.alert-rule.changed` for the
 * ledger, the event queued with the change in the store (the outbox) so a topic outage delays it and never loses
 * it. The telemetry consumer reads rules from the same store, so a change applies within ALERT_RULES_REFRESH_S.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { decodeCursor, encodeCursor, type PageQuery } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { publishQueued, type QueuedEvent, type QueuedWarning } from '../messaging/outbox.js';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import type { AlertRecords } from '../alerts/alert-records.js';
import type { AlertRulePage, AlertRuleView } from './alert-schemas.js';
import { AlertRule, type AlertRuleBody, type AlertRuleCreateBody } from '../alerts/rule.js';
import { ruleChangedEvent, type AlertRuleChange } from '../alerts/rule-events.js';
import type { AlertRuleStore, StoredAlertRule } from '../alerts/store.js';

export interface AlertRuleReadDeps {
  rules: AlertRuleStore;
}

export interface AlertRuleWriteDeps extends AlertRuleReadDeps {
  audit: AuditLog;
  publisher: EventPublisher;
  /** Hears when the topic refused a rule's event (it stays queued for the outbox sweep). */
  warn?: QueuedWarning;
  /** Clears the open alerts of a rule deleted or disabled (nothing would judge them any more). */
  records: AlertRecords;
  /** Ids of the configured channels (ALERT_CHANNELS): a rule may only name these. */
  channelIds: readonly string[];
  nowMs?: () => number;
}

const RESOURCE = 'alert-rules';
const selfHref = (ruleId: string) => v1Path(`${RESOURCE}/${ruleId}`);
const Cursor = z.object({ afterRuleId: z.string().min(1) });

const notFound = (ruleId: string) =>
  new ApiError('notFound', `Alert rule ${ruleId} does not exist; list ${v1Path(RESOURCE)} for the rules there are.`, [
    { field: 'path.ruleId', issue: 'not found' },
  ]);
const mismatch = (ruleId: string) =>
  new ApiError(
    'preconditionFailed',
    `Alert rule ${ruleId} has changed since the ETag you sent; read it again and retry with its current ETag.`,
    [{ field: 'header.if-match', issue: 'does not match the current ETag' }],
  );

/** The API view of a stored rule. */
export function toAlertRuleView(s: StoredAlertRule): AlertRuleView {
  const { id, ...rest } = s.rule;
  return {
    ruleId: id,
    ...rest,
    creationTimestamp: new Date(s.createdAtMs).toISOString(),
    lastModifiedTimestamp: new Date(s.updatedAtMs).toISOString(),
    createdBy: s.createdBy,
    lastModifiedBy: s.updatedBy,
    links: [{ rel: 'self', href: selfHref(id) }],
  };
}

/** Refuses channels that are not configured: a rule that can tell nobody would fail only when it fires. */
function checkChannels(rule: AlertRule, channelIds: readonly string[]): void {
  const known = new Set(channelIds);
  const details = [
    ...rule.channels.flatMap((c, i) =>
      known.has(c) ? [] : [{ field: `body.channels.${i}`, issue: `unknown channel "${c}"` }],
    ),
    ...(rule.escalation?.channels ?? []).flatMap((c, i) =>
      known.has(c) ? [] : [{ field: `body.escalation.channels.${i}`, issue: `unknown channel "${c}"` }],
    ),
  ];
  if (details.length > 0) {
    const configured = channelIds.length > 0 ? channelIds.join(', ') : 'none (set ALERT_CHANNELS)';
    throw new ApiError(
      'invalidInput',
      `Invalid ${details[0]!.field}: ${details[0]!.issue}; configured channels: ${configured}.`,
      details,
    );
  }
}

/** The ledger event of a change, built from the version the store writes (or deletes). */
const eventsOf = (change: AlertRuleChange, actor: Actor, nowMs: number) => (stored: StoredAlertRule) => [
  ruleChangedEvent(change, stored, actor, nowMs),
];

/**
 * Records a stored change in the audit log and publishes its queued ledger event. Publishing never fails the request:
 * the event is in the outbox with the change, and the sweep sends it if the topic refuses it now.
 */
async function recordAndPublish(
  deps: AlertRuleWriteDeps,
  change: AlertRuleChange,
  stored: StoredAlertRule,
  pending: readonly QueuedEvent[],
  actor: Actor,
  nowMs: number,
): Promise<void> {
  await Promise.all([
    deps.audit.record({
      action: `alert-rule.${change}`,
      resource: `${RESOURCE}/${stored.rule.id}`,
      actor,
      atMs: nowMs,
      detail: {
        etag: stored.etag,
        name: stored.rule.name,
        ledgerEventId: ruleChangedEvent(change, stored, actor, nowMs).id,
      },
    }),
    publishQueued(deps.publisher, pending, deps.warn),
  ]);
}

/** Creates a rule under the id the caller chose; 409 ERR-4091 when the id is taken. */
export async function createRule(
  deps: AlertRuleWriteDeps,
  body: AlertRuleCreateBody,
  actor: Actor,
): Promise<{ rule: AlertRuleView; etag: string; location: string }> {
  const { ruleId, ...fields } = body;
  const rule = AlertRule.parse({ id: ruleId, ...fields });
  checkChannels(rule, deps.channelIds);
  const nowMs = (deps.nowMs ?? Date.now)();
  const written = await deps.rules.create(rule, actor, nowMs, eventsOf('created', actor, nowMs));
  if (!written)
    throw new ApiError(
      'conflict',
      `Alert rule ${ruleId} already exists; replace it with PUT ${selfHref(ruleId)} or choose another id.`,
      [{ field: 'body.ruleId', issue: 'already exists' }],
    );
  const { stored, pending } = written;
  await recordAndPublish(deps, 'created', stored, pending, actor, nowMs);
  return { rule: toAlertRuleView(stored), etag: stored.etag, location: selfHref(ruleId) };
}

/** A page of rules in id order; the continuation token is opaque and rejected (400) when it is not ours. */
export async function listRules(deps: AlertRuleReadDeps, page: PageQuery): Promise<AlertRulePage> {
  let after: string | undefined;
  if (page.continuationToken) {
    const cursor = decodeCursor(page.continuationToken, Cursor);
    if (!cursor)
      throw new ApiError('invalidInput', 'continuationToken is not one this API issued; start again without it.', [
        { field: 'query.continuationToken', issue: 'unknown token' },
      ]);
    after = cursor.afterRuleId;
  }
  const { items, more } = await deps.rules.page(page.pageSize, after);
  const last = items.at(-1);
  const continuationToken = more && last ? encodeCursor({ afterRuleId: last.rule.id }) : undefined;
  const base = v1Path(RESOURCE);
  const links = [
    {
      rel: 'self',
      href: `${base}?pageSize=${page.pageSize}${page.continuationToken ? `&continuationToken=${page.continuationToken}` : ''}`,
    },
  ];
  if (continuationToken)
    links.push({ rel: 'next', href: `${base}?pageSize=${page.pageSize}&continuationToken=${continuationToken}` });
  return { items: items.map(toAlertRuleView), ...(continuationToken ? { continuationToken } : {}), links };
}

/** One rule and its ETag, or 404 ERR-4042. */
export async function getRule(deps: AlertRuleReadDeps, ruleId: string): Promise<{ rule: AlertRuleView; etag: string }> {
  const stored = await deps.rules.get(ruleId);
  if (!stored) throw notFound(ruleId);
  return { rule: toAlertRuleView(stored), etag: stored.etag };
}

/** Clears the open alerts of a rule that no longer judges anything (deleted or disabled); by the person who did it. */
async function clearAlertsOf(
  deps: AlertRuleWriteDeps,
  ruleId: string,
  actor: Actor,
  nowMs: number,
  why: string,
): Promise<void> {
  for (const alert of await deps.records.store.open()) {
    if (alert.ruleId === ruleId) await deps.records.clear(alert.id, nowMs, actor.subject, why);
  }
}

/** Replaces a rule when If-Match admits its current ETag (412 ERR-4121 otherwise); open alerts are judged by the new thresholds, or cleared if the rule is now disabled. */
export async function replaceRule(
  deps: AlertRuleWriteDeps,
  ruleId: string,
  body: AlertRuleBody,
  actor: Actor,
  ifMatch?: string,
): Promise<{ rule: AlertRuleView; etag: string }> {
  const rule = AlertRule.parse({ id: ruleId, ...body });
  checkChannels(rule, deps.channelIds);
  const nowMs = (deps.nowMs ?? Date.now)();
  const r = await deps.rules.replace(rule, actor, nowMs, eventsOf('replaced', actor, nowMs), ifMatch);
  if (!r.ok) throw r.reason === 'not-found' ? notFound(ruleId) : mismatch(ruleId);
  const { stored, pending } = r.value;
  await recordAndPublish(deps, 'replaced', stored, pending, actor, nowMs);
  if (!rule.enabled) await clearAlertsOf(deps, ruleId, actor, nowMs, 'rule disabled');
  return { rule: toAlertRuleView(stored), etag: stored.etag };
}

/** Deletes a rule when If-Match admits it, and clears its open alerts (nothing would judge them any more). */
export async function deleteRule(
  deps: AlertRuleWriteDeps,
  ruleId: string,
  actor: Actor,
  ifMatch?: string,
): Promise<void> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const r = await deps.rules.remove(ruleId, nowMs, eventsOf('deleted', actor, nowMs), ifMatch);
  if (!r.ok) throw r.reason === 'not-found' ? notFound(ruleId) : mismatch(ruleId);
  await recordAndPublish(deps, 'deleted', r.value.stored, r.value.pending, actor, nowMs);
  await clearAlertsOf(deps, ruleId, actor, nowMs, 'rule deleted');
}
