import { describe, expect, it } from 'vitest';
import {
  matchesSubscription,
  messagingInfrastructure,
  PLANT_EVENT_SUBSCRIPTIONS,
  PlantEventType,
  sqlFilterOf,
  subscriptionNamed,
} from './subscriptions.js';

/** A minimal evaluator of the SQL filters we generate (`type IN (...)`, `type LIKE '...%'`, OR), to prove SQL and matcher agree. */
function evaluateSql(filter: string, type: string): boolean {
  if (filter === '1=0') return false;
  return filter.split(' OR ').some((clause) => {
    const inList = /^type IN \((.*)\)$/.exec(clause);
    if (inList)
      return inList[1]!
        .split(', ')
        .map((s) => s.slice(1, -1))
        .includes(type);
    const like = /^type LIKE '(.*)%'$/.exec(clause);
    if (like) return type.startsWith(like[1]!);
    throw new Error(`unexpected clause ${clause}`);
  });
}

describe('plant-events subscriptions', () => {
  it('route set points and overrides to SCADA, and nothing that would move the plant otherwise', () => {
    const scada = subscriptionNamed('scada');
    expect(matchesSubscription(scada, PlantEventType.setpointRecommended)).toBe(true);
    expect(matchesSubscription(scada, PlantEventType.overrideChanged)).toBe(true);
    expect(matchesSubscription(scada, PlantEventType.anomalyDetected)).toBe(false);
    expect(matchesSubscription(scada, PlantEventType.optimizationCompleted)).toBe(false);
  });

  it('audit every set-point, command, override and model change in the ledger, including verbs added later', () => {
    const ledger = subscriptionNamed('ledger');
    for (const type of [
      'smelter.setpoint.recommended',
      'smelter.command.acknowledged',
      'smelter.override.changed',
      'smelter.model.changed',
      'smelter.setpoint.anything-new',
      'smelter.optimization.completed',
      'smelter.optimization.failed',
      'smelter.optimization.approved',
      'smelter.optimization.rejected',
      'smelter.constraints.changed',
    ]) {
      expect(matchesSubscription(ledger, type), type).toBe(true);
    }
    expect(matchesSubscription(ledger, PlantEventType.anomalyDetected)).toBe(false);
  });

  it('alert on anomalies, failed runs, overrides and failed commands', () => {
    const alerts = subscriptionNamed('alerts');
    for (const type of [
      PlantEventType.anomalyDetected,
      PlantEventType.optimizationFailed,
      PlantEventType.overrideChanged,
      PlantEventType.commandFailed,
    ]) {
      expect(matchesSubscription(alerts, type), type).toBe(true);
    }
    expect(matchesSubscription(alerts, PlantEventType.setpointRecommended)).toBe(false);
  });

  it('archive alert state changes and rule changes in the ledger, and never feed them back to the alert notifier', () => {
    const alertChanges = [
      PlantEventType.alertRaised,
      PlantEventType.alertAcknowledged,
      PlantEventType.alertEscalated,
      PlantEventType.alertCleared,
      PlantEventType.alertRuleChanged,
    ];
    for (const type of alertChanges) {
      expect(matchesSubscription(subscriptionNamed('ledger'), type), type).toBe(true);
      expect(matchesSubscription(subscriptionNamed('alerts'), type), type).toBe(false);
      expect(evaluateSql(sqlFilterOf(subscriptionNamed('alerts')), type), type).toBe(false);
      expect(matchesSubscription(subscriptionNamed('scada'), type), type).toBe(false);
    }
  });

  it('feed the control room what its screens show changing, and never telemetry-scale or SCADA-bound traffic', () => {
    const room = subscriptionNamed('controlroom');
    for (const type of [
      PlantEventType.overrideChanged,
      PlantEventType.optimizationAwaitingApproval,
      PlantEventType.optimizationCompleted,
      PlantEventType.optimizationApproved,
      'smelter.command.rejected',
      PlantEventType.commandFailed,
      PlantEventType.alertRaised,
      PlantEventType.alertEscalated,
      PlantEventType.plantModelChanged,
    ])
      expect(matchesSubscription(room, type), type).toBe(true);
    for (const type of [
      PlantEventType.setpointRecommended,
      PlantEventType.anomalyDetected,
      PlantEventType.modelChanged,
    ])
      expect(matchesSubscription(room, type), type).toBe(false);
  });

  it('select with the SQL filter exactly what the matcher selects', () => {
    const types = [
      ...Object.values(PlantEventType),
      'smelter.command.dispatched',
      'smelter.setpoint.approved',
      'other.thing.happened',
    ];
    for (const sub of PLANT_EVENT_SUBSCRIPTIONS) {
      for (const type of types)
        expect(evaluateSql(sqlFilterOf(sub), type), `${sub.name} ${type}`).toBe(matchesSubscription(sub, type));
    }
  });

  it('never match a message without a type, and a subscription with no types matches nothing', () => {
    expect(matchesSubscription(subscriptionNamed('ledger'), undefined)).toBe(false);
    expect(sqlFilterOf({ types: [], typePrefixes: [] })).toBe('1=0');
  });

  it('quote SQL string literals safely', () => {
    expect(sqlFilterOf({ types: ["smelter.o'brien.did"], typePrefixes: [] })).toBe("type IN ('smelter.o''brien.did')");
  });

  it('provision every subscription with dead-lettering on and the default delivery count of 10', () => {
    const infra = messagingInfrastructure();
    expect(infra.topic).toBe('plant-events');
    expect(infra.subscriptions.map((s) => s.name)).toEqual(['scada', 'ledger', 'alerts', 'controlroom']);
    for (const s of infra.subscriptions) {
      expect(s.maxDeliveryCount).toBe(10);
      expect(s.deadLetteringOnMessageExpiration && s.deadLetteringOnFilterEvaluationExceptions).toBe(true);
    }
  });

  it('name the defined subscriptions when asked for an unknown one', () => {
    expect(() => subscriptionNamed('maintenance')).toThrow(
      /ERR-UNKNOWN-SUBSCRIPTION.*scada, ledger, alerts, controlroom/,
    );
  });
});
