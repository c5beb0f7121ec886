/**
 * Orchestration history in the shape the durable-functions library replays (its lib/src/history/*): PascalCase
 * fields, numeric `EventType`, ISO `Timestamp`. Completion events refer to the scheduling event by id
 * (`TaskScheduledId`, `TimerId`); external events by `Name`.
 */

/** DurableTask.Core HistoryEventType, as durable-functions numbers them (history/HistoryEventType.js). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export type EventTypeName = keyof typeof EventType;

/** One history event; fields beyond the common ones depend on the type (Name, Input, Result, TaskScheduledId …). */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

/** Builds an event of `type` at `atMs`; `EventId` is -1 for events that do not schedule anything (DTFx convention). */
export function historyEvent(
  type: EventTypeName,
  atMs: number,
  fields: Record<string, unknown> = {},
  eventId = -1,
): HistoryEvent {
  return {
    EventType: EventType[type],
    EventId: eventId,
    IsPlayed: false,
    Timestamp: new Date(atMs).toISOString(),
    ...fields,
  };
}

/** The type's name for logs and the status API (`showHistory`). */
export function eventTypeName(type: number): string {
  return (Object.entries(EventType).find(([, v]) => v === type)?.[0] as string | undefined) ?? `EventType${type}`;
}

/** JSON text of a value as history stores it (`Input`, `Result`); `undefined` is stored as null, as the extension does. */
export const toJsonText = (value: unknown): string => JSON.stringify(value ?? null);
