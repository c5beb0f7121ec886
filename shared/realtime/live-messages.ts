/**
 * Builds the control room's push messages (messages.ts): cell values from what the live tracker hands out, and
 * everything else from the plant events the `controlroom` subscription delivers (overrides, runs, commands, alerts,
 * plant-model versions). Functions give the result to their SignalR output binding; nothing here sends anything.
 */
import { AlertChangedData } from '../alerts/alert-events.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { AwaitingApprovalData } from '../orchestration/run-events.js';
import { OptimizationRunEventData } from '../orchestration/schemas.js';
import { CommandEventData, OverrideChangedData } from '../scada/events.js';
import type { CellStateDoc } from '../telemetry/hot-state.js';
import { z } from 'zod';
import {
  LiveTarget,
  type AlertChangedMessage,
  type CellLive,
  type CellStatesMessage,
  type CommandsChangedMessage,
  type OverrideChangedMessage,
  type RunChangedMessage,
  type SignalRMessage,
} from './messages.js';

/**
 * Cells per `cellStates` message: 400 cells of ten tags are ≈ 130 kB of JSON, well below Azure SignalR Service's
 * 1 MB message limit (learn.microsoft.com, "Azure SignalR Service limits").
 */
export const CELLS_PER_MESSAGE = 400;

const message = (target: LiveTarget, argument: unknown): SignalRMessage => ({ target, arguments: [argument] });

/** `cellStates` messages for the cells the live tracker handed out (split so none grows past CELLS_PER_MESSAGE). */
export function cellStatesMessages(docs: readonly CellStateDoc[], sentAtMs: number): SignalRMessage[] {
  const cells: CellLive[] = docs.map((d) => ({
    cellId: d.cellId,
    lineId: d.lineId,
    tags: Object.fromEntries(Object.entries(d.tags).map(([tag, t]) => [tag, { value: t.value, ts: t.ts }])),
  }));
  const out: SignalRMessage[] = [];
  for (let i = 0; i < cells.length; i += CELLS_PER_MESSAGE) {
    const body: CellStatesMessage = { sentAtMs, cells: cells.slice(i, i + CELLS_PER_MESSAGE) };
    out.push(message(LiveTarget.cellStates, body));
  }
  return out;
}

/** `kpisChanged` after curation wrote hours of these lines. */
export function kpisChangedMessage(lines: readonly string[], sentAtMs: number): SignalRMessage {
  return message(LiveTarget.kpisChanged, { sentAtMs, lines: [...lines] });
}

const PlantModelChangedData = z.looseObject({ version: z.string() });
const ApprovalData = z.looseObject({ runId: z.string(), lineId: z.string(), decision: z.enum(['approve', 'reject']) });

/**
 * The push message a plant event makes, or none for a type the control room does not show. A `data` that does not
 * parse as its type's schema throws (the subscription redelivers, then dead-letters it with the reason).
 */
export function messagesOfPlantEvent(event: PlantEvent, sentAtMs: number): SignalRMessage[] {
  const { type } = event;
  if (type === PlantEventType.overrideChanged) {
    const o = OverrideChangedData.parse(event.data).override;
    const body: OverrideChangedMessage = {
      sentAtMs,
      scopeKey: o.scopeKey,
      scope: o.scope,
      mode: o.mode,
      reason: o.reason,
      requestedBy: o.requestedBy,
      requestedAtMs: o.requestedAtMs,
      ...(o.releasedBy === undefined ? {} : { releasedBy: o.releasedBy }),
      ...(o.releasedAtMs === undefined ? {} : { releasedAtMs: o.releasedAtMs }),
      updatedAtMs: o.updatedAtMs,
    };
    return [message(LiveTarget.overrideChanged, body)];
  }
  if (type === PlantEventType.optimizationCompleted || type === PlantEventType.optimizationFailed) {
    const d = OptimizationRunEventData.parse(event.data);
    return [
      runChanged(
        { runId: d.runId, lineId: d.lineId, step: d.status === 'failed' ? 'failed' : 'completed', outcome: d.outcome },
        sentAtMs,
      ),
    ];
  }
  if (type === PlantEventType.optimizationAwaitingApproval) {
    const d = AwaitingApprovalData.parse(event.data);
    return [runChanged({ runId: d.runId, lineId: d.lineId, step: 'awaiting-approval' }, sentAtMs)];
  }
  if (type === PlantEventType.optimizationApproved || type === PlantEventType.optimizationRejected) {
    const d = ApprovalData.parse(event.data);
    return [runChanged({ runId: d.runId, lineId: d.lineId, step: 'recording' }, sentAtMs)];
  }
  if (type.startsWith('smelter.command.')) {
    const d = CommandEventData.parse(event.data);
    const body: CommandsChangedMessage = {
      sentAtMs,
      lineId: d.lineId,
      commands: [
        {
          commandId: d.commandId,
          equipmentId: d.equipmentId,
          state: d.state,
          reasons: d.violations.length > 0 ? d.violations.map((v) => v.rule) : d.failure ? [d.failure.code] : [],
        },
      ],
    };
    return [message(LiveTarget.commandsChanged, body)];
  }
  if (type.startsWith('smelter.alert.')) {
    const d = AlertChangedData.parse(event.data);
    const body: AlertChangedMessage = {
      sentAtMs,
      alertId: d.alertId,
      action: d.action,
      state: d.state,
      severity: d.severity,
      title: d.title,
      lineId: d.lineId,
      cellId: d.cellId,
    };
    return [message(LiveTarget.alertChanged, body)];
  }
  if (type === PlantEventType.plantModelChanged) {
    return [message(LiveTarget.plantChanged, { sentAtMs, version: PlantModelChangedData.parse(event.data).version })];
  }
  return [];
}

function runChanged(run: Omit<RunChangedMessage, 'sentAtMs'>, sentAtMs: number): SignalRMessage {
  return message(LiveTarget.runChanged, { sentAtMs, ...run } satisfies RunChangedMessage);
}
