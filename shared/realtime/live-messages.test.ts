import { describe, expect, it } from 'vitest';
import { newAlert, acknowledgeAlert } from '../alerts/alert.js';
import { alertChangedEvent, alertChangeOf } from '../alerts/alert-events.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { plantModelChangedEvent } from '../plant/events.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { approvalEvent, awaitingApprovalEvent, runEvents } from '../orchestration/run-events.js';
import type { OptimizationRunEventData } from '../orchestration/schemas.js';
import { commandIdFor, proposedCommand, transition } from '../scada/command.js';
import { commandStateEvent, overrideChangedEvent } from '../scada/events.js';
import type { OverrideDoc } from '../scada/override.js';
import type { CellStateDoc } from '../telemetry/hot-state.js';
import { CELLS_PER_MESSAGE, cellStatesMessages, messagesOfPlantEvent } from './live-messages.js';
import { LiveMessageSchemas, LiveTarget, type SignalRMessage } from './messages.js';

const AT = Date.UTC(2026, 10, 22, 10, 30);
const o = { correlationId: 'corr-1', time: new Date(AT).toISOString() };

/** The one argument of a message, checked against its target's schema (what the browser parses it with). */
function argumentOf(m: SignalRMessage): Record<string, unknown> {
  expect(m.arguments).toHaveLength(1);
  return LiveMessageSchemas[m.target].parse(m.arguments[0]) as Record<string, unknown>;
}

const override: OverrideDoc = {
  id: 'cell:L1-C005',
  scopeKey: 'cell:L1-C005',
  scope: { kind: 'cell', cellId: 'L1-C005' },
  mode: 'manual',
  reason: 'anode change',
  requestedBy: 'olga',
  requestedAtMs: AT,
  version: 1,
  correlationId: 'corr-1',
  updatedAtMs: AT,
};

const run: OptimizationRunEventData = {
  runId: 'opt-L1-abc',
  lineId: 'L1',
  startedMs: AT - 60_000,
  completedMs: AT,
  status: 'completed',
  objectiveKWhPerKg: 13.9,
  baselineKWhPerKg: 14.1,
  cellsChanged: 12,
  modelVersion: 'test',
  mode: 'advisory',
  trigger: 'api',
  requestedBy: 'erin',
  outcome: 'applied',
  setPointEvents: 12,
  heldEquipment: 0,
};

describe('push messages from plant events (the controlroom subscription)', () => {
  it('an override change: the scope, its mode and who asked, as stored', () => {
    const [m] = messagesOfPlantEvent(overrideChangedEvent(override), AT + 5);
    expect(m!.target).toBe(LiveTarget.overrideChanged);
    expect(argumentOf(m!)).toMatchObject({
      sentAtMs: AT + 5,
      scopeKey: 'cell:L1-C005',
      scope: { kind: 'cell', cellId: 'L1-C005' },
      mode: 'manual',
      requestedBy: 'olga',
    });
  });

  it('a run awaiting approval, approved, completed: its step and, at the end, its outcome', () => {
    const awaiting = awaitingApprovalEvent(
      {
        runId: run.runId,
        lineId: 'L1',
        mode: 'advisory',
        round: 1,
        approvalDeadline: new Date(AT + 1_800_000).toISOString(),
      },
      o,
    );
    const approved = approvalEvent(
      { runId: run.runId, lineId: 'L1', decision: 'approve', reason: 'small steps', actor: 'erin', decidedAtMs: AT },
      'corr-2',
    );
    const completed = runEvents(run, [], o).at(-1)!;
    const steps = [awaiting, approved, completed].map((e) => argumentOf(messagesOfPlantEvent(e, AT)[0]!));
    expect(steps.map((s) => [s.runId, s.lineId, s.step, s.outcome])).toEqual([
      [run.runId, 'L1', 'awaiting-approval', undefined],
      [run.runId, 'L1', 'recording', undefined],
      [run.runId, 'L1', 'completed', 'applied'],
    ]);
    const failed = runEvents({ ...run, status: 'failed', outcome: 'failed' }, [], o)[0]!;
    expect(argumentOf(messagesOfPlantEvent(failed, AT)[0]!)).toMatchObject({ step: 'failed', outcome: 'failed' });
  });

  it('a command refused by the envelope names the rule that refused it', () => {
    const proposed = proposedCommand(
      {
        commandId: commandIdFor('opt-L1-abc/L1-C005', 'L1-C005', 'setpoint'),
        recommendationId: 'opt-L1-abc/L1-C005',
        sourceEventId: 'e1',
        correlationId: 'corr-1',
        equipmentId: 'L1-C005',
        lineId: 'L1',
        action: 'setpoint',
        setPoint: { acdCm: 4.1 },
        reportedPresent: { acdCm: 4.0 },
      },
      AT,
    );
    const rejected = transition(proposed, 'rejected', AT + 1, {
      violations: [{ rule: 'interlock-manual', message: 'cell L1-C005 is in manual' }],
    });
    const [m] = messagesOfPlantEvent(commandStateEvent(rejected), AT);
    expect(m!.target).toBe(LiveTarget.commandsChanged);
    expect(argumentOf(m!)).toMatchObject({
      lineId: 'L1',
      commands: [{ equipmentId: 'L1-C005', state: 'rejected', reasons: ['interlock-manual'] }],
    });
  });

  it('an alert change carries its state, severity and cell', () => {
    const raised = newAlert(
      {
        conditionKey: 'bath-hot',
        scopeKey: 'L1-C007',
        title: 'Bath temperature high',
        severity: 'warning',
        channels: [],
        atMs: AT,
        ruleId: 'bath-hot',
        lineId: 'L1',
        cellId: 'L1-C007',
      },
      1,
    );
    expect(acknowledgeAlert(raised, 'olga', AT + 1000)).toBe(true);
    const [m] = messagesOfPlantEvent(alertChangedEvent(alertChangeOf(raised, 'acknowledged', AT + 1000, 'olga')), AT);
    expect(argumentOf(m!)).toMatchObject({
      alertId: raised.id,
      action: 'acknowledged',
      state: 'acknowledged',
      severity: 'warning',
      cellId: 'L1-C007',
      lineId: 'L1',
    });
  });

  it('a new plant-model version, and nothing for a type the control room does not show', () => {
    const stored = { model: TEST_PLANT.model, version: TEST_PLANT.version, updatedAtMs: AT, updatedBy: 'mia' };
    const [m] = messagesOfPlantEvent(plantModelChangedEvent(stored, undefined, 'corr-3'), AT);
    expect(argumentOf(m!)).toEqual({ sentAtMs: AT, version: TEST_PLANT.version });
    const other = cloudEvent(
      PlantEventType.modelChanged,
      'pde-001',
      { modelId: 'pde-001' },
      { source: '/x', correlationId: 'c' },
    );
    expect(messagesOfPlantEvent(other, AT)).toEqual([]);
  });

  it('refuses an event whose data does not match its type (the subscription dead-letters it with the reason)', () => {
    const broken = cloudEvent(
      PlantEventType.overrideChanged,
      'cell:L1-C001',
      { scopeKey: 1 },
      { source: '/x', correlationId: 'c' },
    );
    expect(() => messagesOfPlantEvent(broken, AT)).toThrow();
  });
});

describe('cellStates messages', () => {
  it('carry each tag’s value and event time, split so none holds more than CELLS_PER_MESSAGE cells', () => {
    const docs: CellStateDoc[] = Array.from({ length: CELLS_PER_MESSAGE + 3 }, (_, i) => ({
      id: `L1-C${i}`,
      cellId: `L1-C${i}`,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.3, unit: 'V', ts: AT - i, quality: 'good', flags: [] } },
      updatedAtMs: AT,
    }));
    const messages = cellStatesMessages(docs, AT);
    expect(messages.map((m) => (argumentOf(m).cells as unknown[]).length)).toEqual([CELLS_PER_MESSAGE, 3]);
    expect((argumentOf(messages[1]!).cells as unknown[])[2]).toEqual({
      cellId: `L1-C${CELLS_PER_MESSAGE + 2}`,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.3, ts: AT - CELLS_PER_MESSAGE - 2 } },
    });
    expect(cellStatesMessages([], AT)).toEqual([]);
  });
});
