/**
 * fact_alert from the archived `smelter.alert.<verb>` events: one row per alert, in the partition of the date it was
 * raised, as it stood after its newest change found in the curated window.
 */
import { AlertChangedData } from '../alerts/alert-events.js';
import type { ArchivedEvent } from './plant-events.js';
import type { GoldRow } from './table-io.js';

/** `smelter.alert.` and not `smelter.alert-rule.`: rule edits are audited, but they are not alerts. */
const ALERT_EVENT_PREFIX = 'smelter.alert.';

/** Rows for the alerts raised on `date` (UTC) from the alert events of that date and the days after it. */
export function alertRows(events: readonly ArchivedEvent[], date: string): GoldRow[] {
  const newest = new Map<string, AlertChangedData>();
  for (const e of events) {
    if (!e.type.startsWith(ALERT_EVENT_PREFIX)) continue;
    const parsed = AlertChangedData.safeParse(e.data);
    if (!parsed.success) continue;
    const d = parsed.data;
    if (new Date(d.raisedMs).toISOString().slice(0, 10) !== date) continue;
    const seen = newest.get(d.alertId);
    // Later change wins; at the same millisecond, the one that has seen more (occurrences, escalation, ack, clear).
    if (!seen || d.atMs > seen.atMs || (d.atMs === seen.atMs && progress(d) > progress(seen))) newest.set(d.alertId, d);
  }
  return [...newest.values()].map((d) => ({
    alertId: d.alertId,
    lineId: d.lineId,
    cellId: d.cellId,
    dateKey: d.dateKey,
    raisedMs: d.raisedMs,
    rule: d.rule,
    severity: d.severity,
    acknowledgedMs: d.acknowledgedMs,
    escalationLevel: d.escalationLevel,
    state: d.state,
    clearedMs: d.clearedMs,
    occurrences: d.occurrences,
  }));
}

function progress(d: AlertChangedData): number {
  return d.occurrences + d.escalationLevel + (d.acknowledgedMs !== null ? 1 : 0) + (d.clearedMs !== null ? 1 : 0);
}
