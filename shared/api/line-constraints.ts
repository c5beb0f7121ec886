/**
 * A line's user constraints as an API resource: read, and replace whole under If-Match (like PDE models). A
 * replacement is recorded in the audit log and published as `smelter.constraints.changed` for the ledger.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { v1Path } from '../http/paths.js';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { publishQueued, type QueuedWarning } from '../messaging/outbox.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import { Link } from '../http/paging.js';
import { UserConstraint } from '../optimize/schema.js';
import { LineId } from '../scada/override.js';
import { lineOfEquipment } from '../plant/set-point.js';
import { cellIdsOf, requireCellsOfLine, type CurrentPlant } from './plant-ids.js';
import type { LineConstraints, LineConstraintStore } from '../orchestration/line-constraints.js';

/** CloudEvents `source` of constraint changes made through the API. */
export const LINE_CONSTRAINTS_SOURCE = '/functions/line-constraints';

const href = (lineId: string) => v1Path(`lines/${lineId}/constraints`);

export const LinePath = z.strictObject({ lineId: LineId });

/** Body of `PUT v1/lines/{lineId}/constraints`: the file format of shared/optimize (`{ constraints: [...] }`). */
export const LineConstraintsBody = z
  .strictObject({ constraints: z.array(UserConstraint).max(2000) })
  .superRefine((b, ctx) => {
    b.constraints.forEach((c, i) => {
      if (c.scope === 'cell' && !/^[A-Za-z0-9][A-Za-z0-9_]{0,31}-/.test(c.cellId))
        ctx.addIssue({
          code: 'custom',
          path: ['constraints', i, 'cellId'],
          message: `${c.cellId} is not a cell id like L1-C001`,
        });
    });
  });
export type LineConstraintsBody = z.infer<typeof LineConstraintsBody>;

export const LineConstraintsView = z.object({
  lineId: z.string(),
  constraints: z.array(UserConstraint),
  /** Replacements so far; 0 while the line has none stored. */
  version: z.number().int(),
  lastModifiedTimestamp: z.iso.datetime().optional(),
  lastModifiedBy: z.string().optional(),
  links: z.array(Link),
});
export type LineConstraintsView = z.infer<typeof LineConstraintsView>;

/** `data` of `smelter.constraints.changed`. */
export interface ConstraintsChangedData {
  lineId: string;
  version: number;
  constraints: UserConstraint[];
  actor: string;
  changedAtMs: number;
}

export interface ConstraintsDeps {
  store: LineConstraintStore;
  audit: AuditLog;
  publisher: EventPublisher;
  /** Hears when the topic refused the change's event (it stays queued for the outbox sweep). */
  warn?: QueuedWarning;
  /** The plant model in force: every cell a constraint names must be a cell of the line in it. */
  plant: CurrentPlant;
  nowMs?: () => number;
}

function viewOf(lineId: string, c: LineConstraints | undefined): LineConstraintsView {
  return {
    lineId,
    constraints: c?.constraints ?? [],
    version: c?.version ?? 0,
    ...(c ? { lastModifiedTimestamp: new Date(c.updatedAtMs).toISOString(), lastModifiedBy: c.updatedBy } : {}),
    links: [
      { rel: 'self', href: href(lineId) },
      { rel: 'optimizations', href: v1Path('optimizations') },
    ],
  };
}

/** The line's constraints and their ETag (none while the line has no stored constraints: an empty list). */
export async function getLineConstraints(
  store: Pick<LineConstraintStore, 'get'>,
  lineId: string,
): Promise<{ view: LineConstraintsView; etag?: string }> {
  const c = await store.get(lineId);
  return { view: viewOf(lineId, c), ...(c ? { etag: c.etag } : {}) };
}

/** The event of a stored version; its id is fixed by line and version, so a re-publish is one event. */
export function constraintsChangedEvent(c: LineConstraints): PlantEvent {
  const data: ConstraintsChangedData = {
    lineId: c.lineId,
    version: c.version,
    constraints: c.constraints,
    actor: c.updatedBy,
    changedAtMs: c.updatedAtMs,
  };
  return cloudEvent(PlantEventType.constraintsChanged, c.lineId, data, {
    id: `${c.lineId}#${c.version}`,
    source: LINE_CONSTRAINTS_SOURCE,
    correlationId: c.correlationId,
    time: new Date(c.updatedAtMs),
  });
}

/**
 * Replaces the line's constraints when If-Match admits the stored ETag (412 ERR-4121 otherwise; without If-Match
 * last writer wins), records who did it and publishes the change. The event is queued with the change in the store
 * (the outbox): a topic outage delays it to the outbox sweep and never fails the request. Every cell must be on the
 * line (400).
 */
export async function replaceLineConstraints(
  deps: ConstraintsDeps,
  lineId: string,
  body: LineConstraintsBody,
  actor: Actor,
  ifMatch?: string,
): Promise<{ view: LineConstraintsView; etag: string }> {
  const details = body.constraints.flatMap((c, i) =>
    c.scope === 'cell' && lineOfEquipment(c.cellId) !== lineId
      ? [{ field: `body.constraints.${i}.cellId`, issue: `${c.cellId} is not a cell of line ${lineId}` }]
      : [],
  );
  if (details.length > 0)
    throw new ApiError('invalidInput', `Invalid ${details[0]!.field}: ${details[0]!.issue}`, details);
  requireCellsOfLine(await deps.plant.current(), lineId, cellIdsOf(body.constraints, 'body.constraints'));
  const nowMs = (deps.nowMs ?? Date.now)();
  const r = await deps.store.replace(
    lineId,
    { constraints: body.constraints, updatedBy: actor.subject, updatedAtMs: nowMs, correlationId: actor.correlationId },
    (version) => [constraintsChangedEvent(version)],
    ifMatch,
  );
  if (!r.ok) {
    throw new ApiError(
      'preconditionFailed',
      `The constraints of line ${lineId} have changed since the ETag you sent (or none are stored); read them again and retry with their current ETag.`,
      [{ field: 'header.if-match', issue: 'does not match the current ETag' }],
    );
  }
  const { stored, pending } = r.value;
  await Promise.all([
    deps.audit.record({
      action: 'line-constraints.replaced',
      resource: `lines/${lineId}/constraints`,
      actor,
      atMs: nowMs,
      detail: { version: stored.version, constraints: body.constraints.length, etag: stored.etag },
    }),
    publishQueued(deps.publisher, pending, deps.warn),
  ]);
  return { view: viewOf(lineId, stored), etag: stored.etag };
}
