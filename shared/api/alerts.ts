/**
 * Alerts through the API (issue 7): the list with filters, and acknowledgement. An acknowledgement goes through the
 * same optimistic life-cycle as every other change (alert-records.ts), is recorded in the audit log and published as
 * `smelter.alert.acknowledged` (from the alert's outbox, so a topic outage delays it rather than losing it).
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { decodeCursor, encodeCursor } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import type { AlertRecords } from '../alerts/alert-records.js';
import type { Alert } from '../alerts/alert.js';
import type { AlertListQuery, AlertPage, AlertView } from './alert-schemas.js';
import { AlertError } from '../alerts/errors.js';
import { alertSortKey, type AlertStore } from '../alerts/store.js';

const RESOURCE = 'alerts';
const Cursor = z.object({ after: z.string().min(1) });

/** The API view of an alert. */
export function toAlertView(a: Alert): AlertView {
  const { id, ...rest } = a;
  return { alertId: id, ...rest, links: [{ rel: 'acknowledge', href: v1Path(`${RESOURCE}/${id}/acknowledge`) }] };
}

/** A page of alerts, newest raise first, filtered by state, line and cell; the continuation token keeps the filters' order. */
export async function listAlerts(store: AlertStore, query: AlertListQuery): Promise<AlertPage> {
  let after: string | undefined;
  if (query.continuationToken) {
    const cursor = decodeCursor(query.continuationToken, Cursor);
    if (!cursor)
      throw new ApiError('invalidInput', 'continuationToken is not one this API issued; start again without it.', [
        { field: 'query.continuationToken', issue: 'unknown token' },
      ]);
    after = cursor.after;
  }
  const filter = {
    ...(query.state ? { state: query.state } : {}),
    ...(query.lineId ? { lineId: query.lineId } : {}),
    ...(query.cellId ? { cellId: query.cellId } : {}),
  };
  const { items, more } = await store.list(filter, query.pageSize, after);
  const last = items.at(-1);
  const continuationToken = more && last ? encodeCursor({ after: alertSortKey(last) }) : undefined;
  const params = new URLSearchParams({ pageSize: String(query.pageSize), ...filter });
  const base = `${v1Path(RESOURCE)}?${params.toString()}`;
  const links = [
    { rel: 'self', href: `${base}${query.continuationToken ? `&continuationToken=${query.continuationToken}` : ''}` },
  ];
  if (continuationToken) links.push({ rel: 'next', href: `${base}&continuationToken=${continuationToken}` });
  return { items: items.map(toAlertView), ...(continuationToken ? { continuationToken } : {}), links };
}

export interface AcknowledgeDeps {
  records: AlertRecords;
  audit: AuditLog;
  nowMs?: () => number;
}

/**
 * A person has seen the alert: it stops escalating. Acknowledging again answers the alert unchanged (idempotent);
 * 404 ERR-4042 for an unknown alert, 409 ERR-4091 for one already cleared.
 */
export async function acknowledgeAlert(
  deps: AcknowledgeDeps,
  alertId: string,
  actor: Actor,
): Promise<{ alert: AlertView; changed: boolean }> {
  const nowMs = (deps.nowMs ?? Date.now)();
  try {
    const { alert, transition } = await deps.records.acknowledge(alertId, actor.subject, nowMs);
    if (transition)
      await deps.audit.record({
        action: 'alert.acknowledged',
        resource: `${RESOURCE}/${alertId}`,
        actor,
        atMs: nowMs,
        detail: { title: alert.title, scopeKey: alert.scopeKey },
      });
    return { alert: toAlertView(alert), changed: transition !== undefined };
  } catch (e) {
    if (e instanceof AlertError && e.code === 'ERR-ALERT-NOT-FOUND') {
      throw new ApiError(
        'notFound',
        `Alert ${alertId} does not exist; list ${v1Path(RESOURCE)} for the alerts there are.`,
        [{ field: 'path.alertId', issue: 'not found' }],
      );
    }
    if (e instanceof AlertError && e.code === 'ERR-ALERT-STATE') {
      throw new ApiError('conflict', `Alert ${alertId} is already cleared; there is nothing to acknowledge.`, [
        { field: 'path.alertId', issue: 'already cleared' },
      ]);
    }
    if (e instanceof AlertError && e.code === 'ERR-ALERT-CONFLICT') {
      throw new ApiError(
        'conflict',
        `Alert ${alertId} kept changing while it was being acknowledged; read it and retry.`,
        [{ field: 'path.alertId', issue: 'changed meanwhile' }],
      );
    }
    throw e;
  }
}
