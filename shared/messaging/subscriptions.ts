import { z } from 'zod';

/**
 * The one definition of the Service Bus topic that fans plant events out (DESIGN §4): its name, its
 * subscriptions and their filters. The devhost builds its local topic from it and Bicep provisions from the JSON
 * generated out of it (bicep/shared-generated/messaging.json, checked by test/contract), so the two cannot drift.
 */
export const PLANT_EVENTS_TOPIC = 'plant-events';

/**
 * The topic is created with duplicate detection over this window (bicep/modules/servicebus.bicep, checked by
 * test/contract/duplicate-detection.test.ts): a publisher's retry of the same CloudEvent id inside it is dropped.
 * Service Bus has it off unless a topic is created with it.
 */
export const PLANT_EVENTS_DUPLICATE_DETECTION_WINDOW = 'PT10M';

/** The application property that carries the CloudEvents `type` on every message (filters read it). */
export const EVENT_TYPE_PROPERTY = 'type';

/** CloudEvents types published on the topic, named `smelter.<noun>.<verb>` (DESIGN §4). */
export const PlantEventType = {
  setpointRecommended: 'smelter.setpoint.recommended',
  /** The plant reported a set-point change none of our commands explains (HMI, local panel, another client). */
  setpointChangedExternally: 'smelter.setpoint.changed-externally',
  overrideChanged: 'smelter.override.changed',
  optimizationCompleted: 'smelter.optimization.completed',
  optimizationFailed: 'smelter.optimization.failed',
  /** An engineer approved an advisory run's proposal (POST v1/optimizations/{runId}/approval). */
  optimizationApproved: 'smelter.optimization.approved',
  optimizationRejected: 'smelter.optimization.rejected',
  /** An advisory run put its proposal up for approval (until its deadline). */
  optimizationAwaitingApproval: 'smelter.optimization.awaiting-approval',
  /** A line's user constraints were replaced (PUT v1/lines/{lineId}/constraints). */
  constraintsChanged: 'smelter.constraints.changed',
  anomalyDetected: 'smelter.anomaly.detected',
  commandFailed: 'smelter.command.failed',
  /** A command was refused because a read the safety envelope depends on could not be answered (fail closed). */
  interlockUnverifiable: 'smelter.interlock.unverifiable',
  modelChanged: 'smelter.model.changed',
  /** A line's model predicted the plant worse than the seeds' ±5 % after a run (shared/gold/model-accuracy.ts). */
  modelAccuracyDegraded: 'smelter.model.accuracy-degraded',
  alertRaised: 'smelter.alert.raised',
  alertAcknowledged: 'smelter.alert.acknowledged',
  alertEscalated: 'smelter.alert.escalated',
  alertCleared: 'smelter.alert.cleared',
  alertRuleChanged: 'smelter.alert-rule.changed',
  /** A new version of the plant model is in force (PUT v1/plant). */
  plantModelChanged: 'smelter.plant-model.changed',
} as const;

const EventType = z.string().regex(/^smelter\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'must read smelter.<noun>.<verb>');
/** A type prefix such as `smelter.setpoint.`: every verb of that noun, including ones added later. */
const EventTypePrefix = z.string().regex(/^smelter\.[a-z][a-z0-9-]*\.$/, 'must read smelter.<noun>.');
/** ISO 8601 duration as Service Bus takes it (e.g. PT1M, P14D). */
const IsoDuration = z
  .string()
  .regex(/^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/, 'must be an ISO 8601 duration such as PT1M');

export const SubscriptionDefinition = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/),
  /** Exact types delivered. */
  types: z.array(EventType),
  /** Type prefixes delivered (every verb of a noun). */
  typePrefixes: z.array(EventTypePrefix),
  /** Deliveries before Service Bus dead-letters a message (Service Bus default: 10). */
  maxDeliveryCount: z.number().int().min(1).max(2000),
  /** Peek-lock duration; must outlast the consumer's slowest handling (Service Bus maximum: PT5M). */
  lockDuration: IsoDuration,
  /** A message older than this is dead-lettered, not delivered (stale set points must never reach the plant). */
  defaultMessageTimeToLive: IsoDuration,
});
export type SubscriptionDefinition = z.infer<typeof SubscriptionDefinition>;

/** Service Bus default max delivery count (learn.microsoft.com, "Service Bus dead-letter queues"). */
const DEFAULT_MAX_DELIVERY_COUNT = 10;

/** Subscriptions of `plant-events`, parsed once so a malformed edit fails at import, naming the field. */
export const PLANT_EVENT_SUBSCRIPTIONS: readonly SubscriptionDefinition[] = z.array(SubscriptionDefinition).parse([
  {
    name: 'scada',
    types: [PlantEventType.setpointRecommended, PlantEventType.overrideChanged],
    typePrefixes: [],
    maxDeliveryCount: DEFAULT_MAX_DELIVERY_COUNT,
    // The dispatcher waits for the PLC acknowledgement (timeout well under a minute) while holding the lock.
    lockDuration: 'PT1M',
    // A set point not dispatched within 5 minutes acts on stale data: dead-letter it instead.
    defaultMessageTimeToLive: 'PT5M',
  },
  {
    name: 'ledger',
    types: [],
    // Every set-point, command, override, model and constraint change, every optimisation event (outcomes, approvals,
    // rejections, failures), alert state changes and rule changes are audited, including verbs added later (alert
    // history feeds gold fact_alert; who changed a threshold is on record), and every plant-model version.
    typePrefixes: [
      'smelter.setpoint.',
      'smelter.command.',
      'smelter.override.',
      'smelter.model.',
      'smelter.optimization.',
      'smelter.constraints.',
      'smelter.alert.',
      'smelter.alert-rule.',
      'smelter.plant-model.',
    ],
    maxDeliveryCount: DEFAULT_MAX_DELIVERY_COUNT,
    // Appending waits for the ledger commit (seconds); a minute leaves room for retries inside the handler.
    lockDuration: 'PT1M',
    defaultMessageTimeToLive: 'P14D',
  },
  {
    name: 'alerts',
    // Exact types only, never `smelter.alert.*`: an alert's own changes must not come back to the notifier as alerts.
    types: [
      PlantEventType.anomalyDetected,
      PlantEventType.optimizationFailed,
      PlantEventType.overrideChanged,
      PlantEventType.commandFailed,
      PlantEventType.interlockUnverifiable,
      PlantEventType.modelAccuracyDegraded,
    ],
    typePrefixes: [],
    maxDeliveryCount: DEFAULT_MAX_DELIVERY_COUNT,
    lockDuration: 'PT1M',
    defaultMessageTimeToLive: 'P1D',
  },
  {
    name: 'controlroom',
    // What the control room shows changing: overrides, runs, commands, alerts and the plant model (pushed to every
    // open screen through SignalR by functions/realtime/control-room-feed.ts).
    types: [],
    typePrefixes: [
      'smelter.override.',
      'smelter.optimization.',
      'smelter.command.',
      'smelter.alert.',
      'smelter.plant-model.',
    ],
    maxDeliveryCount: DEFAULT_MAX_DELIVERY_COUNT,
    lockDuration: 'PT30S',
    // Minutes-old news is no news on a live screen; expired messages are dead-lettered (nothing is lost silently).
    defaultMessageTimeToLive: 'PT5M',
  },
]);

/** The Service Bus SQL filter for a subscription, over the `type` application property. */
export function sqlFilterOf(sub: Pick<SubscriptionDefinition, 'types' | 'typePrefixes'>): string {
  const clauses: string[] = [];
  if (sub.types.length > 0) clauses.push(`${EVENT_TYPE_PROPERTY} IN (${sub.types.map(sqlString).join(', ')})`);
  for (const prefix of sub.typePrefixes) clauses.push(`${EVENT_TYPE_PROPERTY} LIKE ${sqlString(`${prefix}%`)}`);
  // A subscription with no types receives nothing rather than everything.
  return clauses.length > 0 ? clauses.join(' OR ') : '1=0';
}

/** True when a message whose `type` property is `type` passes the subscription's filter (what the SQL filter selects). */
export function matchesSubscription(
  sub: Pick<SubscriptionDefinition, 'types' | 'typePrefixes'>,
  type: string | undefined,
): boolean {
  if (type === undefined) return false;
  return sub.types.includes(type) || sub.typePrefixes.some((p) => type.startsWith(p));
}

/** The subscription definition by name; throws naming the subscription when it is not defined. */
export function subscriptionNamed(name: string): SubscriptionDefinition {
  const sub = PLANT_EVENT_SUBSCRIPTIONS.find((s) => s.name === name);
  if (!sub)
    throw new RangeError(
      `ERR-UNKNOWN-SUBSCRIPTION: "${name}" is not a subscription of ${PLANT_EVENTS_TOPIC}; defined: ${PLANT_EVENT_SUBSCRIPTIONS.map((s) => s.name).join(', ')}`,
    );
  return sub;
}

/** One subscription as infrastructure provisions it (the shape bicep/modules/servicebus.bicep reads). */
export interface ProvisionedSubscription {
  name: string;
  sqlFilter: string;
  maxDeliveryCount: number;
  lockDuration: string;
  defaultMessageTimeToLive: string;
  deadLetteringOnMessageExpiration: boolean;
  deadLetteringOnFilterEvaluationExceptions: boolean;
}

/** The topic and subscriptions as Bicep provisions them; dead-lettering is always on (nothing is lost silently). */
export function messagingInfrastructure(): { topic: string; subscriptions: ProvisionedSubscription[] } {
  return {
    topic: PLANT_EVENTS_TOPIC,
    subscriptions: PLANT_EVENT_SUBSCRIPTIONS.map((s) => ({
      name: s.name,
      sqlFilter: sqlFilterOf(s),
      maxDeliveryCount: s.maxDeliveryCount,
      lockDuration: s.lockDuration,
      defaultMessageTimeToLive: s.defaultMessageTimeToLive,
      deadLetteringOnMessageExpiration: true,
      deadLetteringOnFilterEvaluationExceptions: true,
    })),
  };
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
