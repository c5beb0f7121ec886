/**
 * fact_setpoint_change from the archived `smelter.command.<state>` events: one row per set point of a command, with
 * the outcome of its newest state. Rows sit in the partition of the date the command was proposed.
 */
import { CommandEventData } from '../scada/events.js';
import { SET_POINT_FIELDS } from '../plant/set-point.js';
import { dateKeyOf } from './minute-facts.js';
import type { ArchivedEvent } from './plant-events.js';
import { runApprovers } from './optimization-run-facts.js';
import type { GoldRow } from './table-io.js';

const COMMAND_EVENT_PREFIX = 'smelter.command.';
const PROPOSED = 'smelter.command.proposed';
/** The rule that refuses any command to a cell or line in manual (shared/scada/envelope.ts). */
const MANUAL_RULE = 'interlock-manual';

/** The optimisation run behind a recommendation id: runs recommend per equipment as `<runId>/<equipmentId>`. */
function runIdOf(recommendationId: string): string {
  const slash = recommendationId.lastIndexOf('/');
  return slash > 0 ? recommendationId.slice(0, slash) : recommendationId;
}

function outcomeOf(d: CommandEventData): string {
  switch (d.state) {
    case 'acknowledged':
      return 'applied';
    case 'rejected':
      return d.violations.some((v) => v.rule === MANUAL_RULE) ? 'refused_manual' : 'refused_envelope';
    case 'failed':
      return 'failed';
    default:
      return 'pending';
  }
}

/**
 * Rows for the commands proposed on `date` (UTC), given every command event of that date and the days after it
 * (a command proposed before midnight may be acknowledged after it). Events that do not parse are skipped.
 */
export function setpointChangeRows(events: readonly ArchivedEvent[], date: string): GoldRow[] {
  const proposedOn = new Map<string, number>();
  const newest = new Map<string, { data: CommandEventData; timeMs: number }>();
  for (const e of events) {
    if (!e.type.startsWith(COMMAND_EVENT_PREFIX)) continue;
    const parsed = CommandEventData.safeParse(e.data);
    if (!parsed.success) continue;
    const d = parsed.data;
    if (e.type === PROPOSED && new Date(e.timeMs).toISOString().slice(0, 10) === date)
      proposedOn.set(d.commandId, e.timeMs);
    const seen = newest.get(d.commandId);
    if (!seen || d.revision > seen.data.revision) newest.set(d.commandId, { data: d, timeMs: e.timeMs });
  }
  const approvers = runApprovers(events);
  const rows: GoldRow[] = [];
  for (const [commandId, proposedMs] of proposedOn) {
    const { data: d, timeMs } = newest.get(commandId)!;
    const outcome = outcomeOf(d);
    const issuedMs = d.createdAtMs ?? proposedMs;
    for (const field of SET_POINT_FIELDS) {
      const value = d.setPoint[field];
      if (value === undefined) continue;
      rows.push({
        commandId,
        runId: runIdOf(d.recommendationId),
        lineId: d.lineId,
        cellId: d.equipmentId,
        dateKey: dateKeyOf(issuedMs),
        issuedMs,
        setpoint: field,
        previousValue: d.ack?.previous[field] ?? d.reportedPresent?.[field] ?? null,
        newValue: value,
        outcome,
        decidedMs: outcome === 'pending' ? null : timeMs,
        rules: d.violations.length ? [...new Set(d.violations.map((v) => v.rule))].join(',') : null,
        approvedBy: approvers.get(runIdOf(d.recommendationId)) ?? null,
      });
    }
  }
  return rows;
}
