/**
 * The plant events the SCADA side consumes and produces, with their `data` schemas: `smelter.setpoint.recommended`
 * (in), `smelter.override.changed` (in and out), `smelter.command.<state>` (out, one per command state change).
 */
import { z } from 'zod';
import { cloudEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import type { CommandDoc } from './command.js';
import type { SetpointChangeDoc } from './readback.js';
import { LineId, OverrideDoc, OverrideMode, OverrideScope } from './override.js';
import { EquipmentId, PresentValues, SetPointField, SetPointValues } from '../plant/set-point.js';

/** CloudEvents `source` of what the dispatcher publishes. */
export const SCADA_DISPATCHER_SOURCE = '/functions/scada-dispatcher';
/** CloudEvents `source` of override changes made through the API. */
export const OVERRIDES_API_SOURCE = '/functions/overrides';
/** CloudEvents `source` of what the read-back observer publishes. */
export const SETPOINT_READBACK_SOURCE = '/functions/setpoint-readback';

/** One piece of equipment's recommended set point, and its present values as the optimiser saw them. */
export const RecommendedSetPoint = z.object({
  equipmentId: EquipmentId,
  setPoint: SetPointValues,
  present: PresentValues.default({}),
});

/** `data` of `smelter.setpoint.recommended`: one optimisation result for a line, one entry per equipment. */
export const SetpointRecommendedData = z
  .object({
    /** The optimisation run (or request) that produced it; with the equipment it fixes the command id. */
    recommendationId: z.string().min(1).max(128),
    lineId: LineId,
    setPoints: z.array(RecommendedSetPoint).min(1).max(1000),
  })
  .refine((d) => new Set(d.setPoints.map((s) => s.equipmentId)).size === d.setPoints.length, {
    message: 'each equipment may appear once per recommendation',
    path: ['setPoints'],
  });
export type SetpointRecommendedData = z.infer<typeof SetpointRecommendedData>;

/** `data` of `smelter.override.changed`. */
export const OverrideChangedData = z.object({
  scope: OverrideScope,
  scopeKey: z.string(),
  mode: OverrideMode,
  version: z.number().int().min(1),
  reason: z.string(),
  /** Token subject of who made this change. */
  changedBy: z.string(),
  changedAtMs: z.number(),
  override: OverrideDoc,
});
export type OverrideChangedData = z.infer<typeof OverrideChangedData>;

/** `data` of `smelter.command.<state>`. */
export const CommandEventData = z.object({
  commandId: z.string(),
  recommendationId: z.string(),
  equipmentId: z.string(),
  lineId: z.string(),
  action: z.string(),
  setPoint: PresentValues,
  /** Present values as the proposer saw them (the step baseline before an acknowledgement). */
  reportedPresent: PresentValues.optional(),
  state: z.string(),
  /** The version its DCMDs carry (fixed at approval), for the audit of what the plant was asked to take and why not. */
  version: z.number().int().optional(),
  attempts: z.number().int(),
  revision: z.number().int(),
  violations: z.array(z.object({ rule: z.string(), field: z.string().optional(), message: z.string() })),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  ack: z
    .object({
      appliedAtMs: z.number(),
      applied: PresentValues,
      previous: PresentValues,
      correlationId: z.string(),
      receivedAtMs: z.number(),
    })
    .optional(),
  /** When the command was proposed. */
  createdAtMs: z.number().optional(),
});
export type CommandEventData = z.infer<typeof CommandEventData>;

/** The CloudEvent type of a command state: `smelter.command.acknowledged` etc. (`failed` is PlantEventType.commandFailed). */
export function commandEventType(state: CommandDoc['state']): string {
  return `smelter.command.${state}`;
}

/** The event for the command's present state; its id is fixed by (command, revision), so re-publishing is harmless. */
export function commandStateEvent(doc: CommandDoc, time: Date | string = new Date(doc.updatedAtMs)): PlantEvent {
  const data: CommandEventData = {
    commandId: doc.commandId,
    recommendationId: doc.recommendationId,
    equipmentId: doc.equipmentId,
    lineId: doc.lineId,
    action: doc.action,
    setPoint: doc.setPoint,
    reportedPresent: doc.reportedPresent,
    state: doc.state,
    ...(doc.version !== undefined ? { version: doc.version } : {}),
    attempts: doc.attempts,
    revision: doc.revision,
    violations: doc.violations,
    ...(doc.failure ? { failure: doc.failure } : {}),
    ...(doc.ack ? { ack: doc.ack } : {}),
    createdAtMs: doc.createdAtMs,
  };
  return cloudEvent(commandEventType(doc.state), doc.commandId, data, {
    id: `${doc.commandId}#${doc.revision}`,
    source: SCADA_DISPATCHER_SOURCE,
    correlationId: doc.correlationId,
    time,
  });
}

/** The `smelter.override.changed` event for an override document's present version (id fixed by scope and version). */
export function overrideChangedEvent(doc: OverrideDoc, source = OVERRIDES_API_SOURCE): PlantEvent {
  const released = doc.mode === 'released';
  const data: OverrideChangedData = {
    scope: doc.scope,
    scopeKey: doc.scopeKey,
    mode: doc.mode,
    version: doc.version,
    reason: doc.reason,
    changedBy: released ? (doc.releasedBy ?? doc.requestedBy) : doc.requestedBy,
    changedAtMs: doc.updatedAtMs,
    override: doc,
  };
  return cloudEvent(PlantEventType.overrideChanged, doc.scopeKey, data, {
    id: `${doc.scopeKey}#${doc.version}`,
    source,
    correlationId: doc.correlationId,
    time: new Date(doc.updatedAtMs),
  });
}

/** A `smelter.setpoint.recommended` event; its id is fixed by the recommendation id, so a re-sent run is one event. */
export function setpointRecommendedEvent(
  data: z.input<typeof SetpointRecommendedData>,
  options: { source: string; correlationId?: string; time?: Date | string },
): PlantEvent {
  const parsed = SetpointRecommendedData.parse(data);
  return cloudEvent(PlantEventType.setpointRecommended, parsed.lineId, parsed, {
    id: parsed.recommendationId,
    ...options,
  });
}

/** `data` of `smelter.setpoint.changed-externally`: a change the plant reported that none of our commands explains. */
export const SetpointChangedExternallyData = z.object({
  changeId: z.string(),
  equipmentId: z.string(),
  lineId: z.string(),
  field: SetPointField,
  from: z.number(),
  to: z.number(),
  /** Plant time of the first report showing the new value, epoch ms. */
  atMs: z.number(),
  /** When the platform noticed it, epoch ms. */
  observedAtMs: z.number(),
});
export type SetpointChangedExternallyData = z.infer<typeof SetpointChangedExternallyData>;

/** The event of an external change; its id is fixed by the change id, so a redelivered report publishes it once. */
export function setpointChangedExternallyEvent(change: SetpointChangeDoc): PlantEvent {
  const data: SetpointChangedExternallyData = {
    changeId: change.id,
    equipmentId: change.equipmentId,
    lineId: change.lineId,
    field: change.field,
    from: change.from,
    to: change.to,
    atMs: change.atMs,
    observedAtMs: change.observedAtMs,
  };
  return cloudEvent(PlantEventType.setpointChangedExternally, change.equipmentId, data, {
    id: change.id,
    source: SETPOINT_READBACK_SOURCE,
    correlationId: change.id,
    time: new Date(change.atMs),
  });
}

/** `data` of `smelter.interlock.unverifiable`: a command refused because a safety read could not be answered. */
export const InterlockUnverifiableData = z.object({
  commandId: z.string(),
  equipmentId: z.string(),
  lineId: z.string(),
  /** What could not be read, with why (the envelope's interlock-unverifiable messages). */
  reason: z.string(),
});
export type InterlockUnverifiableData = z.infer<typeof InterlockUnverifiableData>;

/**
 * The alerting event of a command that could not even be looked up: the command store itself did not answer, so
 * nothing was stored or sent and the message will be delivered again. Same id as a stored refusal of that command
 * for an unanswerable read, so the alert is raised once however often the delivery is repeated.
 */
export function commandStoreUnverifiableEvent(
  command: { commandId: string; equipmentId: string; lineId: string; correlationId: string },
  reason: string,
  atMs: number,
): PlantEvent {
  const data: InterlockUnverifiableData = {
    commandId: command.commandId,
    equipmentId: command.equipmentId,
    lineId: command.lineId,
    reason: `the command history could not be read (${reason}); nothing is sent`,
  };
  return cloudEvent(PlantEventType.interlockUnverifiable, command.equipmentId, data, {
    id: `${command.commandId}#unverifiable`,
    source: SCADA_DISPATCHER_SOURCE,
    correlationId: command.correlationId,
    time: new Date(atMs),
  });
}

/** The alerting event of a command refused for an unanswerable safety read, or undefined when it was not. */
export function interlockUnverifiableEvent(doc: CommandDoc): PlantEvent | undefined {
  const unverifiable = doc.violations.filter((v) => v.rule === 'interlock-unverifiable');
  if (unverifiable.length === 0 || (doc.state !== 'rejected' && doc.state !== 'failed')) return undefined;
  const data: InterlockUnverifiableData = {
    commandId: doc.commandId,
    equipmentId: doc.equipmentId,
    lineId: doc.lineId,
    reason: unverifiable.map((v) => v.message).join('; '),
  };
  return cloudEvent(PlantEventType.interlockUnverifiable, doc.equipmentId, data, {
    id: `${doc.commandId}#unverifiable`,
    source: SCADA_DISPATCHER_SOURCE,
    correlationId: doc.correlationId,
    time: new Date(doc.updatedAtMs),
  });
}
