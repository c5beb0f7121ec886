/**
 * The set-point resources of the API: a cell's current set points (the values its PLC last acknowledged, per field),
 * the commands still under way, its command history, and one command's status. Read from the SCADA command store.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { isoOf, InstantParam } from '../http/instant.js';
import { decodeCursor, encodeCursor, Link, PageQuery, pageLinks } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import { CommandFailure, CommandState, CommandViolation, isFinal, type CommandDoc } from '../scada/command.js';
import type { CommandHistoryQuery, CommandQueries, CommandRepository } from '../scada/command-repository.js';
import {
  CommandAction,
  EquipmentId,
  lineOfEquipment,
  PresentValues,
  SET_POINT_FIELDS,
  SetPointField,
} from '../plant/set-point.js';

/** A command id as the dispatcher makes them (commandIdFor): `cmd-` and 32 hex digits. */
export const CommandId = z
  .string()
  .regex(/^cmd-[0-9a-f]{32}$/, 'expected a command id like cmd- followed by 32 hex digits');
export const CommandPath = z.strictObject({ commandId: CommandId });
/** Path of the per-cell set-point routes; a line's rectifier is addressed as its pseudo-cell `<line>-LINE`. */
export const SetpointCellPath = z.strictObject({ cellId: EquipmentId });

const iso = z.iso.datetime();

/** A set-point command as the API shows it (times as ISO 8601 UTC). */
export const CommandView = z.object({
  commandId: CommandId,
  recommendationId: z.string(),
  equipmentId: z.string(),
  lineId: z.string(),
  action: CommandAction,
  state: CommandState,
  /** True once nothing more happens to the command (acknowledged, rejected or failed). */
  final: z.boolean(),
  setPoint: PresentValues,
  /** Present values as the proposer saw them. */
  reportedPresent: PresentValues,
  /** Signed change per field from the baseline, fixed at approval. */
  deltas: z.partialRecord(SetPointField, z.number()),
  attempts: z.number().int(),
  /** Safety-envelope rules the command broke (a rejected command names every one). */
  violations: z.array(CommandViolation),
  ack: z.object({ appliedAt: iso, applied: PresentValues, previous: PresentValues, receivedAt: iso }).optional(),
  failure: CommandFailure.optional(),
  history: z.array(
    z.object({ state: CommandState, at: iso, attempt: z.number().int().optional(), note: z.string().optional() }),
  ),
  createdAt: iso,
  updatedAt: iso,
  correlationId: z.string(),
  links: z.array(Link),
});
export type CommandView = z.infer<typeof CommandView>;

/** One field's current set point: the value the PLC acknowledged last, and the command that set it. */
export const CurrentSetPoint = z.object({
  value: z.number(),
  /** The value before that command, as the PLC reported it (absent when it did not). */
  previousValue: z.number().optional(),
  commandId: CommandId,
  appliedAt: iso,
});

export const CellSetPoints = z.object({
  cellId: z.string(),
  lineId: z.string(),
  /** Per field, the last acknowledged value; a field never commanded through the platform is absent. */
  setPoints: z.partialRecord(SetPointField, CurrentSetPoint),
  /** Commands to the cell still under way (proposed, approved, dispatched), oldest first. */
  pending: z.array(CommandView),
  links: z.array(Link),
});
export type CellSetPoints = z.infer<typeof CellSetPoints>;

/** Query of the history route: an optional creation-time window [from, to) and the page. */
export const SetpointHistoryQuery = PageQuery.extend({
  from: InstantParam.optional(),
  to: InstantParam.optional(),
}).superRefine((q, ctx) => {
  if (q.from !== undefined && q.to !== undefined && q.to <= q.from)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
});
export type SetpointHistoryQuery = z.infer<typeof SetpointHistoryQuery>;

export const CommandPage = z.object({
  items: z.array(CommandView),
  /** Pass back as `continuationToken` for the next page; absent on the last page. */
  continuationToken: z.string().optional(),
  links: z.array(Link),
});
export type CommandPage = z.infer<typeof CommandPage>;

const commandHref = (commandId: string) => v1Path(`setpoint-commands/${commandId}`);

/** The API view of a stored command. */
export function toCommandView(d: CommandDoc): CommandView {
  return {
    commandId: d.commandId,
    recommendationId: d.recommendationId,
    equipmentId: d.equipmentId,
    lineId: d.lineId,
    action: d.action,
    state: d.state,
    final: isFinal(d.state),
    setPoint: d.setPoint,
    reportedPresent: d.reportedPresent,
    deltas: d.deltas,
    attempts: d.attempts,
    violations: d.violations,
    ...(d.ack
      ? {
          ack: {
            appliedAt: isoOf(d.ack.appliedAtMs),
            applied: d.ack.applied,
            previous: d.ack.previous,
            receivedAt: isoOf(d.ack.receivedAtMs),
          },
        }
      : {}),
    ...(d.failure ? { failure: d.failure } : {}),
    history: d.history.map((h) => ({
      state: h.state,
      at: isoOf(h.atMs),
      ...(h.attempt === undefined ? {} : { attempt: h.attempt }),
      ...(h.note === undefined ? {} : { note: h.note }),
    })),
    createdAt: isoOf(d.createdAtMs),
    updatedAt: isoOf(d.updatedAtMs),
    correlationId: d.correlationId,
    links: [{ rel: 'self', href: commandHref(d.commandId) }],
  };
}

/** A cell's current set points (per field, the last acknowledged value) and its commands under way. */
export async function currentSetPoints(queries: CommandQueries, cellId: string): Promise<CellSetPoints> {
  const [acked, open] = await Promise.all([
    Promise.all(SET_POINT_FIELDS.map((f) => queries.lastAcknowledged(cellId, f))),
    queries.openForEquipment(cellId),
  ]);
  const setPoints: CellSetPoints['setPoints'] = {};
  SET_POINT_FIELDS.forEach((field, i) => {
    const d = acked[i];
    const value = d?.ack?.applied[field];
    if (!d?.ack || value === undefined) return;
    const previousValue = d.ack.previous[field];
    setPoints[field] = {
      value,
      ...(previousValue === undefined ? {} : { previousValue }),
      commandId: d.commandId,
      appliedAt: isoOf(d.ack.appliedAtMs),
    };
  });
  const base = v1Path(`cells/${encodeURIComponent(cellId)}/setpoints`);
  return {
    cellId,
    lineId: lineOfEquipment(cellId),
    setPoints,
    pending: open.map(toCommandView),
    links: [
      { rel: 'self', href: base },
      { rel: 'history', href: `${base}/history` },
    ],
  };
}

const Cursor = z.object({ beforeMs: z.number().int(), ids: z.array(z.string().max(64)) });

/** One page of a cell's commands, newest first; 400 for a continuation token this API did not issue. */
export async function setpointHistory(
  queries: CommandQueries,
  cellId: string,
  q: SetpointHistoryQuery,
): Promise<CommandPage> {
  let before: CommandHistoryQuery['before'];
  if (q.continuationToken) {
    const c = decodeCursor(q.continuationToken, Cursor);
    if (!c)
      throw new ApiError('invalidInput', 'continuationToken is not one this API issued; start again without it.', [
        { field: 'query.continuationToken', issue: 'unknown token' },
      ]);
    before = { createdAtMs: c.beforeMs, commandIds: c.ids };
  }
  const { items, more } = await queries.history({
    equipmentId: cellId,
    limit: q.pageSize,
    ...(q.from === undefined ? {} : { fromMs: q.from }),
    ...(q.to === undefined ? {} : { toMs: q.to }),
    ...(before ? { before } : {}),
  });
  const last = items.at(-1);
  let next: string | undefined;
  if (more && last) {
    // Every id shown at the last creation time, including earlier pages' when a tie spans pages, so none repeats.
    const tied = items.filter((d) => d.createdAtMs === last.createdAtMs).map((d) => d.commandId);
    const carried = before && before.createdAtMs === last.createdAtMs ? before.commandIds : [];
    next = encodeCursor({ beforeMs: last.createdAtMs, ids: [...carried, ...tied] });
  }
  const base = v1Path(`cells/${encodeURIComponent(cellId)}/setpoints/history`);
  const params = {
    pageSize: q.pageSize,
    from: q.from === undefined ? undefined : isoOf(q.from),
    to: q.to === undefined ? undefined : isoOf(q.to),
  };
  return {
    items: items.map(toCommandView),
    ...(next ? { continuationToken: next } : {}),
    links: pageLinks(base, params, q.continuationToken, next),
  };
}

/** One command's status, or 404 ERR-4042. */
export async function commandStatus(commands: Pick<CommandRepository, 'get'>, commandId: string): Promise<CommandView> {
  const d = await commands.get(commandId);
  if (!d) {
    throw new ApiError(
      'notFound',
      `Set-point command ${commandId} does not exist; command ids come from the smelter.command.* events and the set-point history.`,
      [{ field: 'path.commandId', issue: 'not found' }],
    );
  }
  return toCommandView(d);
}
