import { describe, expect, it } from 'vitest';
import { FACT_ALERT } from '../gold/schema.js';
import { parsePlantEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import {
  AlertChangedData,
  AlertChangeVerb,
  alertChangedEvent,
  alertChangeOf,
  alertEventType,
  lineOfScope,
} from './alert-events.js';
import { AlertBook } from './alert.js';

const T0 = Date.UTC(2025, 2, 1, 23, 59, 30);

describe('alert change events', () => {
  it('carry every column of gold fact_alert', () => {
    const fields = Object.keys(AlertChangedData.shape);
    for (const column of FACT_ALERT.columns) expect(fields, column.name).toContain(column.field ?? column.name);
  });

  it('are the plant event types the subscriptions route', () => {
    expect(AlertChangeVerb.options.map(alertEventType).sort()).toEqual(
      [
        PlantEventType.alertAcknowledged,
        PlantEventType.alertCleared,
        PlantEventType.alertEscalated,
        PlantEventType.alertRaised,
      ].sort(),
    );
  });

  it('describe each change with the alert as it stood, under an id that repeats for a re-send', () => {
    const book = new AlertBook();
    const raised = book.raise({
      conditionKey: 'smelter.command.failed',
      scopeKey: 'L2-C014',
      eventType: 'smelter.command.failed',
      cellId: 'L2-C014',
      lineId: 'L2',
      title: 'Command failed',
      severity: 'critical',
      channels: ['ops'],
      atMs: T0,
    });
    book.escalate(raised.alert.id, T0 + 600_000, ['lead']);
    const acked = book.acknowledge(raised.alert.id, 'op-4', T0 + 700_000).alert;
    const change = alertChangeOf(acked, 'acknowledged', T0 + 700_000, 'op-4');
    expect(change).toMatchObject({
      lineId: 'L2',
      cellId: 'L2-C014',
      dateKey: 20250301,
      raisedMs: T0,
      rule: 'smelter.command.failed',
      severity: 'critical',
      acknowledgedMs: T0 + 700_000,
      escalationLevel: 1,
      by: 'op-4',
      state: 'acknowledged',
    });
    const event = parsePlantEvent(JSON.parse(JSON.stringify(alertChangedEvent(change))));
    expect(event).toMatchObject({
      type: 'smelter.alert.acknowledged',
      subject: 'L2-C014',
      time: new Date(T0 + 700_000).toISOString(),
    });
    expect(alertChangedEvent(change).id).toBe(event.id);
    expect(alertChangedEvent(alertChangeOf(acked, 'raised', T0)).id).not.toBe(event.id);
  });

  it('name the line of cell, line and override scopes, and none for a run', () => {
    expect(['L1-C005', 'L12-LINE', 'cell:L3-C001', 'line:L2', 'L4', 'run-77'].map(lineOfScope)).toEqual([
      'L1',
      'L12',
      'L3',
      'L2',
      'L4',
      undefined,
    ]);
  });
});
