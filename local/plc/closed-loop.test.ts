import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingEventPublisher } from '../../shared/messaging/event-publisher.js';
import { ScadaDispatcher } from '../../shared/scada/dispatcher.js';
import { TEST_PLANT } from '../../shared/plant/test-plant.js';
import { limitsFromPlant } from '../../shared/scada/equipment-limits.js';
import { setpointRecommendedEvent } from '../../shared/scada/events.js';
import { MqttScadaGateway } from '../../shared/scada/mqtt-gateway.js';
import { MemoryCommandRepository } from '../../shared/scada/command-repository.js';
import { MemoryOverrideStore } from '../../shared/scada/override.js';
import { MemoryAuditLog } from '../../shared/kernel/audit-log.js';
import { MemoryReadbackStore } from '../../shared/scada/readback.js';
import { observeReadback, readbackReportsOf } from '../../shared/scada/readback-observer.js';
import { MemoryHotStateStore } from '../../shared/telemetry/hot-state.js';
import { startMqttBroker, type MqttBrokerHandle } from '../emulators/mqtt.js';
import {
  createPotline,
  memorySink,
  NO_FAULTS,
  pointTsMs,
  runSimulator,
  virtualClock,
  type EmittedPoint,
  type Potline,
} from '../simulator/index.js';
import { startPlc, type PlcHandle } from './plc.js';

const CELL = 'L1-C001';

/** Runs the simulated plant for `seconds` of plant time and returns the points it emitted; its read-back goes to `readback`. */
async function telemetry(
  potline: Potline,
  seconds: number,
  observe: (bodies: Uint8Array[]) => Promise<unknown>,
): Promise<EmittedPoint[]> {
  const sink = memorySink();
  await runSimulator({
    potline,
    sink,
    durationS: seconds,
    clock: virtualClock(potline.nowMs()),
    faults: NO_FAULTS,
    ratePerMin: 3000,
  }).done;
  await observe(sink.events.map((e) => new TextEncoder().encode(e.body)));
  return sink.events.flatMap((e) => {
    const body = JSON.parse(e.body) as EmittedPoint | EmittedPoint[] | { points: EmittedPoint[] };
    return Array.isArray(body) ? body : 'points' in body ? body.points : [body];
  });
}

const lastOf = (points: EmittedPoint[], tag: string) =>
  points.filter((p) => p.cellId === CELL && p.tag === tag).at(-1)!;
const firstOf = (points: EmittedPoint[], tag: string) => points.find((p) => p.cellId === CELL && p.tag === tag)!;

describe('closed loop: recommendation → dispatcher → MQTT → simulator-PLC → ack → telemetry', () => {
  let broker: MqttBrokerHandle;
  let plc: PlcHandle;
  let gateway: MqttScadaGateway;
  let potline: Potline;
  const hotState = new MemoryHotStateStore();
  const readback = new MemoryReadbackStore();
  const commands = new MemoryCommandRepository();
  const publisher = new RecordingEventPublisher();
  let dispatcher: ScadaDispatcher;
  /** The plant's read-back in the bodies, through the same observer the setpointReadback function runs. */
  const observe = (bodies: Uint8Array[]) =>
    observeReadback(readbackReportsOf(bodies), {
      readback,
      commands,
      publisher,
      audit: new MemoryAuditLog(),
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      clock: () => potline.nowMs(),
    });

  beforeAll(async () => {
    broker = await startMqttBroker();
    potline = createPotline({ lines: 1, cellsPerLine: 2, seed: 11, feederChokesPerCellDay: 0, lineRampsPerDay: 0 });
    plc = await startPlc({ brokerUrl: broker.url, potline });
    gateway = await MqttScadaGateway.connect({ url: broker.url, clock: () => potline.nowMs() });
    dispatcher = new ScadaDispatcher({
      commands,
      overrides: new MemoryOverrideStore(),
      hotState,
      readback,
      gateway,
      publisher,
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      policy: { maxAttempts: 2, ackTimeoutMs: 2000, backoffMs: 0 },
      // Plant time: the envelope's staleness check compares telemetry time with the plant's clock.
      clock: () => potline.nowMs(),
      sleep: async () => {},
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await plc?.stop();
    await broker?.stop();
  });

  it('applies an acknowledged set point that the next telemetry shows, and dispatches a redelivery once', async () => {
    const before = await telemetry(potline, 20, observe);
    const v = lastOf(before, 'cellVoltage');
    hotState.docs.set(CELL, {
      id: CELL,
      cellId: CELL,
      lineId: 'L1',
      tags: { cellVoltage: { value: v.value, unit: 'V', ts: pointTsMs(v), quality: 'good', flags: [] } },
      updatedAtMs: pointTsMs(v),
    });
    const beamBeforeCm = lastOf(before, 'anodeBeamPosition').value;
    const acdBeforeCm = potline.cell(CELL)!.acdTargetCm;
    // The envelope's present value is the PLC's own read-back.
    expect((await readback.latest(CELL))?.fields.acdCm?.value).toBe(acdBeforeCm);
    const targetCm = Math.round((acdBeforeCm + 0.2) * 1000) / 1000;

    const event = setpointRecommendedEvent(
      {
        recommendationId: 'run-closed-loop',
        lineId: 'L1',
        setPoints: [{ equipmentId: CELL, setPoint: { acdCm: targetCm }, present: { acdCm: acdBeforeCm } }],
      },
      { source: '/orchestrations/optimize', correlationId: 'run-closed-loop' },
    );
    const report = await dispatcher.handle(event);
    expect(report).toMatchObject({
      kind: 'recommendation',
      commands: [{ equipmentId: CELL, state: 'acknowledged', actedOn: true }],
    });
    expect(plc.counters()).toMatchObject({ applied: 1, refused: 0 });
    expect(potline.cell(CELL)!.acdTargetCm).toBe(targetCm);
    const ack = publisher.published.find((e) => e.type === 'smelter.command.acknowledged')!;
    expect(ack.data).toMatchObject({ ack: { applied: { acdCm: targetCm }, previous: { acdCm: acdBeforeCm } } });

    // The beam steps up by the ACD change (local/simulator applyAcdTarget), and the encoder reads it exactly.
    const after = await telemetry(potline, 10, observe);
    expect(firstOf(after, 'anodeBeamPosition').value - beamBeforeCm).toBeCloseTo(0.2, 1);
    // The read-back shows the new value, recognised as this command's doing (not an out-of-band change).
    expect((await readback.latest(CELL))?.fields.acdCm?.value).toBe(targetCm);
    expect([...readback.changes.values()].filter((c) => c.equipmentId === CELL && c.field === 'acdCm')).toMatchObject([
      { origin: 'command', from: acdBeforeCm, to: targetCm },
    ]);

    const again = await dispatcher.handle(event);
    expect(again).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: false }] });
    expect(plc.counters().applied).toBe(1);
  });

  it('fails a command the PLC refuses, naming the PLC’s code', async () => {
    const ghost = 'L1-C099';
    hotState.docs.set(ghost, {
      id: ghost,
      cellId: ghost,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: potline.nowMs(), quality: 'good', flags: [] } },
      updatedAtMs: potline.nowMs(),
    });
    // Read-back claimed for a cell the PLC does not have (a stale mapping): the PLC is the one to refuse.
    await readback.saveLatest({
      id: ghost,
      kind: 'readback',
      equipmentId: ghost,
      lineId: 'L1',
      fields: { acdCm: { value: 2.9, tsMs: potline.nowMs() } },
      updatedAtMs: potline.nowMs(),
    });
    const event = setpointRecommendedEvent(
      {
        recommendationId: 'run-ghost',
        lineId: 'L1',
        setPoints: [{ equipmentId: ghost, setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }],
      },
      { source: '/orchestrations/optimize' },
    );
    const report = await dispatcher.handle(event);
    expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'ERR-SCADA-PLC-REFUSED' } }] });
    expect(publisher.published.at(-1)).toMatchObject({
      type: 'smelter.command.failed',
      data: { failure: { message: expect.stringContaining('SIM-UNKNOWN-CELL') } },
    });
  });

  it('never assumes a command applied when no PLC answers: retries by policy, then fails', async () => {
    const silent = new ScadaDispatcher({
      commands: new MemoryCommandRepository(),
      overrides: new MemoryOverrideStore(),
      hotState,
      readback,
      gateway,
      publisher,
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      policy: { maxAttempts: 2, ackTimeoutMs: 150, backoffMs: 0 },
      clock: () => potline.nowMs(),
      sleep: async () => {},
    });
    await plc.stop();
    const feedS = (await readback.latest(CELL))!.fields.feedIntervalS!.value;
    const event = setpointRecommendedEvent(
      {
        recommendationId: 'run-silent',
        lineId: 'L1',
        setPoints: [{ equipmentId: CELL, setPoint: { feedIntervalS: feedS - 10 }, present: { feedIntervalS: feedS } }],
      },
      { source: '/orchestrations/optimize' },
    );
    const report = await silent.handle(event);
    expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'ERR-SCADA-ACK-TIMEOUT' } }] });
    expect(
      publisher.published.filter(
        (e) =>
          e.type === 'smelter.command.dispatched' &&
          (e.data as { recommendationId: string }).recommendationId === 'run-silent',
      ),
    ).toHaveLength(2);
  });
});
