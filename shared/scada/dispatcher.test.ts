import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { MemoryHotStateStore, type CellStateDoc } from '../telemetry/hot-state.js';
import { commandIdFor, proposedCommand, transition } from './command.js';
import { MemoryCommandRepository } from './command-repository.js';
import type { DispatchPolicy } from './dispatch-policy.js';
import { ScadaDispatcher } from './dispatcher.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { limitsFromPlant, type CurrentPlant } from './equipment-limits.js';
import { readFileSync } from 'node:fs';
import { PlantIndex } from '../plant/plant-index.js';
import { parsePlantModel } from '../plant/plant-model.js';
import { overrideChangedEvent, setpointRecommendedEvent } from './events.js';
import { RecordingGateway, type GatewayOutcome } from './gateway.js';
import { MemoryOverrideStore } from './override.js';
import { releaseManual, requestManual } from './override-service.js';
import { MemoryReadbackStore } from './readback.js';
import type { PresentValues } from '../plant/set-point.js';

const T0 = Date.UTC(2025, 0, 1, 8);
/** What the simulated PLCs hold until told otherwise. */
const PLANT_DEFAULTS: PresentValues = { acdCm: 2.9, feedIntervalS: 120, alf3AdditionKgPerDay: 25, lineCurrentKA: 126 };
const policy: DispatchPolicy = { maxAttempts: 3, ackTimeoutMs: 50, backoffMs: 10 };
const actor = { subject: 'op-7', clientId: 'console', correlationId: 'req-1' };

function harness(
  answer?: ConstructorParameters<typeof RecordingGateway>[0],
  plant: CurrentPlant = { current: async () => TEST_PLANT },
) {
  let nowMs = T0;
  const commands = new MemoryCommandRepository();
  const overrides = new MemoryOverrideStore();
  const hotState = new MemoryHotStateStore();
  const readback = new MemoryReadbackStore();
  const publisher = new RecordingEventPublisher();
  const gateway = new RecordingGateway(answer);
  const sleeps: number[] = [];
  const hooks: { onSleep?: () => Promise<void> } = {};
  const dispatcher = new ScadaDispatcher({
    commands,
    overrides,
    hotState,
    readback,
    gateway,
    publisher,
    limitsFor: limitsFromPlant(plant),
    policy,
    clock: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
      await hooks.onSleep?.();
    },
  });
  /** The equipment's voltage (or line current) reading, and the PLC's read-back of every set point it holds. */
  const watch = (equipmentId: string, value: number, ageMs = 1000, held: PresentValues = PLANT_DEFAULTS) => {
    const tag = equipmentId.endsWith('-LINE') ? 'lineCurrent' : 'cellVoltage';
    const doc: CellStateDoc = {
      id: equipmentId,
      cellId: equipmentId,
      lineId: equipmentId.split('-')[0]!,
      tags: {
        [tag]: { value, unit: tag === 'lineCurrent' ? 'kA' : 'V', ts: nowMs - ageMs, quality: 'good', flags: [] },
      },
      updatedAtMs: nowMs,
    };
    hotState.docs.set(equipmentId, doc);
    const fields = Object.fromEntries(Object.entries(held).map(([f, v]) => [f, { value: v, tsMs: nowMs - ageMs }]));
    readback.docs.set(equipmentId, {
      id: equipmentId,
      kind: 'readback',
      equipmentId,
      lineId: equipmentId.split('-')[0]!,
      fields,
      recent: [],
      updatedAtMs: nowMs,
    });
  };
  return {
    dispatcher,
    commands,
    overrides,
    hotState,
    readback,
    publisher,
    gateway,
    sleeps,
    hooks,
    watch,
    now: () => nowMs,
    advance: (ms: number) => (nowMs += ms),
  };
}

const recommendation = (
  recommendationId: string,
  setPoints: { equipmentId: string; setPoint: PresentValues; present?: PresentValues }[],
  lineId = 'L1',
) =>
  setpointRecommendedEvent(
    { recommendationId, lineId, setPoints: setPoints.map((s) => ({ present: {}, ...s })) },
    { source: '/orchestrations/optimize', correlationId: recommendationId, time: new Date(T0) },
  );

describe('SCADA dispatcher', () => {
  it('takes a recommendation through proposed → approved → dispatched → acknowledged and publishes each state', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(
      recommendation('run-1', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]),
    );
    expect(report).toMatchObject({
      kind: 'recommendation',
      commands: [{ equipmentId: 'L1-C001', state: 'acknowledged', actedOn: true }],
    });
    expect(h.gateway.sent).toHaveLength(1);
    expect(h.publisher.published.map((e) => e.type)).toEqual([
      'smelter.command.proposed',
      'smelter.command.approved',
      'smelter.command.dispatched',
      'smelter.command.acknowledged',
    ]);
    const stored = [...h.commands.docs.values()][0]!;
    expect(stored.history.map((x) => x.state)).toEqual(['proposed', 'approved', 'dispatched', 'acknowledged']);
  });

  it('dispatches a redelivered recommendation once and re-publishes only the final state under the same event id', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const event = recommendation('run-2', [
      { equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } },
    ]);
    await h.dispatcher.handle(event);
    const second = await h.dispatcher.handle(event);
    expect(h.gateway.sent).toHaveLength(1);
    expect(second).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: false }] });
    const acks = h.publisher.published.filter((e) => e.type === 'smelter.command.acknowledged');
    expect(acks).toHaveLength(2);
    expect(acks[0]!.id).toBe(acks[1]!.id);
  });

  it('rejects a command outside the envelope with the rule named, and sends nothing', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(
      recommendation('run-3', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.5 }, present: { acdCm: 2.9 } }]),
    );
    expect(report).toMatchObject({
      commands: [{ state: 'rejected', violations: [{ rule: 'max-step', field: 'acdCm' }] }],
    });
    expect(h.gateway.sent).toHaveLength(0);
    expect(h.publisher.published.at(-1)!.type).toBe('smelter.command.rejected');
  });

  it('retries an unacknowledged command by policy, then fails it and publishes smelter.command.failed', async () => {
    const h = harness((c, attempt): GatewayOutcome => ({
      kind: 'timeout',
      correlationId: `${c.commandId}/${attempt}`,
    }));
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(
      recommendation('run-4', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]),
    );
    expect(h.gateway.sent.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(h.sleeps).toEqual([10, 20]);
    expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'ERR-SCADA-ACK-TIMEOUT' } }] });
    expect(h.publisher.published.at(-1)).toMatchObject({
      type: 'smelter.command.failed',
      data: { failure: { code: 'ERR-SCADA-ACK-TIMEOUT' } },
    });
  });

  it('fails at once when the PLC refuses, since a retry would be refused too', async () => {
    const h = harness((c, attempt): GatewayOutcome => ({
      kind: 'refused',
      code: 'SIM-SETPOINT',
      message: 'acdCm out of range',
      correlationId: `${c.commandId}/${attempt}`,
    }));
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(
      recommendation('run-5', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]),
    );
    expect(h.gateway.sent).toHaveLength(1);
    expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'ERR-SCADA-PLC-REFUSED' } }] });
  });

  it('stops retrying when the cell goes to manual between attempts', async () => {
    const h = harness((c, attempt): GatewayOutcome => ({
      kind: 'timeout',
      correlationId: `${c.commandId}/${attempt}`,
    }));
    h.watch('L1-C001', 4.4);
    h.hooks.onSleep = async () =>
      void (await requestManual(
        { overrides: h.overrides, publisher: h.publisher, audit: new MemoryAuditLog() },
        { kind: 'cell', cellId: 'L1-C001' },
        'feeder check',
        actor,
        h.now(),
      ));
    const report = await h.dispatcher.handle(
      recommendation('run-6', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]),
    );
    expect(h.gateway.sent).toHaveLength(1);
    expect(report).toMatchObject({ commands: [{ state: 'failed', violations: [{ rule: 'interlock-manual' }] }] });
  });

  it('resumes a command a crashed delivery left dispatched, with the next attempt number', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const event = recommendation('run-7', [
      { equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } },
    ]);
    const id = commandIdFor('run-7', 'L1-C001', 'setpoint');
    let doc = proposedCommand(
      {
        commandId: id,
        recommendationId: 'run-7',
        sourceEventId: event.id,
        correlationId: 'run-7',
        equipmentId: 'L1-C001',
        lineId: 'L1',
        action: 'setpoint',
        setPoint: { acdCm: 3.0 },
        reportedPresent: { acdCm: 2.9 },
      },
      T0,
    );
    await h.commands.create(doc);
    doc = transition(doc, 'approved', T0, { deltas: { acdCm: 0.1 } });
    await h.commands.update(doc);
    await h.commands.update(transition(doc, 'dispatched', T0, { attempts: 1 }));
    const report = await h.dispatcher.handle(event);
    expect(h.gateway.sent.map((s) => s.attempt)).toEqual([2]);
    expect(report).toMatchObject({ commands: [{ state: 'acknowledged' }] });
  });

  it('stores an override it learns from an event when that is newer than the stored one', async () => {
    const h = harness();
    const other = new MemoryOverrideStore();
    const change = await requestManual(
      { overrides: other, publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() },
      { kind: 'line', lineId: 'L1' },
      'line outage',
      actor,
      T0,
    );
    const event = overrideChangedEvent(change.override);
    expect(await h.dispatcher.handle(event)).toEqual({
      kind: 'override',
      scopeKey: 'line:L1',
      mode: 'manual',
      stored: true,
    });
    expect(await h.dispatcher.handle(event)).toMatchObject({ stored: false });
    expect((await h.overrides.get('line:L1'))?.mode).toBe('manual');
    const released = await releaseManual(
      { overrides: other, publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() },
      { kind: 'line', lineId: 'L1' },
      'back to auto',
      { subject: 'mgr-1', clientId: 'console', correlationId: 'req-2' },
      T0 + 1000,
    );
    await h.dispatcher.handle(overrideChangedEvent(released.override));
    expect((await h.overrides.get('line:L1'))?.mode).toBe('released');
  });
});

/** The shipped local plant: L1 of a 180 kA technology beside L2 of a 400 kA one. */
const TWO_TECHNOLOGIES = new PlantIndex(
  parsePlantModel(
    JSON.parse(readFileSync(new URL('../../plants/two-technologies.json', import.meta.url), 'utf8')) as unknown,
  ),
);

describe('SCADA dispatcher on a plant of two technologies', () => {
  const twoLines = { current: async () => TWO_TECHNOLOGIES };

  it("passes a 400 kA line's line-current step and judges the 180 kA line by its own rating", async () => {
    const h = harness(undefined, twoLines);
    h.watch('L2-LINE', 400, 1000, { lineCurrentKA: 400 });
    h.watch('L1-LINE', 180, 1000, { lineCurrentKA: 180 });
    const big = await h.dispatcher.handle(
      recommendation('run-400', [{ equipmentId: 'L2-LINE', setPoint: { lineCurrentKA: 404 } }], 'L2'),
    );
    expect(big).toMatchObject({ commands: [{ equipmentId: 'L2-LINE', state: 'acknowledged' }] });
    // 404 kA is a small step on L2 and far beyond L1's rectifier envelope (at most 195 kA).
    const wrongLine = await h.dispatcher.handle(
      recommendation('run-180', [{ equipmentId: 'L1-LINE', setPoint: { lineCurrentKA: 404 } }]),
    );
    expect(wrongLine).toMatchObject({
      commands: [
        {
          state: 'rejected',
          violations: expect.arrayContaining([
            { rule: 'absolute-limit', field: 'lineCurrentKA', message: expect.any(String) },
          ]),
        },
      ],
    });
    const own = await h.dispatcher.handle(
      recommendation('run-184', [{ equipmentId: 'L1-LINE', setPoint: { lineCurrentKA: 184 } }]),
    );
    expect(own).toMatchObject({ commands: [{ equipmentId: 'L1-LINE', state: 'acknowledged' }] });
    expect(h.gateway.sent.map((s) => [s.command.equipmentId, s.command.setPoint])).toEqual([
      ['L2-LINE', { lineCurrentKA: 404 }],
      ['L1-LINE', { lineCurrentKA: 184 }],
    ]);
  });

  it('refuses equipment the plant model does not have (unknown-equipment) and sends nothing', async () => {
    const h = harness(undefined, twoLines);
    h.watch('L9-C001', 4.4);
    const report = await h.dispatcher.handle(
      recommendation('run-L9', [{ equipmentId: 'L9-C001', setPoint: { acdCm: 3.0 } }], 'L9'),
    );
    expect(report).toMatchObject({ commands: [{ state: 'rejected', violations: [{ rule: 'unknown-equipment' }] }] });
    expect(h.gateway.sent).toHaveLength(0);
  });

  it('fails closed when the plant model cannot be read: interlock-unverifiable, nothing sent', async () => {
    const h = harness(undefined, {
      current: () => Promise.reject(new Error('plant-models container not found')),
    });
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(
      recommendation('run-np', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 } }]),
    );
    expect(report).toMatchObject({
      commands: [{ state: 'rejected', violations: [{ rule: 'interlock-unverifiable' }] }],
    });
    expect(h.gateway.sent).toHaveLength(0);
  });
});
