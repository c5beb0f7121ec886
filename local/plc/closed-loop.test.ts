import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../shared/kernel/audit-log.js';
import { RecordingEventPublisher } from '../../shared/messaging/event-publisher.js';
import { MemoryCommandRepository } from '../../shared/scada/command-repository.js';
import { ScadaDispatcher } from '../../shared/scada/dispatcher.js';
import { TEST_PLANT } from '../../shared/plant/test-plant.js';
import { limitsFromPlant } from '../../shared/scada/equipment-limits.js';
import { setpointRecommendedEvent } from '../../shared/scada/events.js';
import { commandIdFor } from '../../shared/scada/command.js';
import type { ScadaGateway } from '../../shared/scada/gateway.js';
import type { SetPointValues } from '../../shared/plant/set-point.js';
import { MemoryOverrideStore } from '../../shared/scada/override.js';
import { MemoryReadbackStore } from '../../shared/scada/readback.js';
import { observeReadback, readbackReportsOf } from '../../shared/scada/readback-observer.js';
import { SparkplugScadaGateway } from '../../shared/sparkplug/scada-gateway.js';
import { decodePayload } from '../../shared/sparkplug/codec.js';
import { setpointWrite } from '../../shared/sparkplug/commands.js';
import { LAST_COMMAND_RESULT_METRIC } from '../../shared/sparkplug/metrics.js';
import { DEFAULT_HOST_ID, deviceTopic, parseTopic } from '../../shared/sparkplug/topic.js';
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
import { startEdgeNode, type EdgeNodeHandle } from './edge-node.js';

const CELL = 'L1-C001';
const NODE = 'L1-POTCTL';

/** Runs the simulated plant for `seconds` of plant time; its read-back goes through the observer into `readback`. */
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

/** A client that records every message it is delivered, by topic. */
async function watcher(url: string, user: { username: string; password: string }) {
  const seen: { topic: string; payload: Buffer }[] = [];
  const client = await connectAsync(url, { protocolVersion: 4, clean: true, ...user, reconnectPeriod: 0 });
  client.on('message', (topic, payload) => seen.push({ topic, payload }));
  await client.subscribeAsync('spBv1.0/#', { qos: 1 });
  return { client, seen };
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('closed loop on Sparkplug B: recommendation → dispatcher → DCMD → edge node → DDATA read-back', () => {
  let broker: MqttBrokerHandle;
  let edge: EdgeNodeHandle;
  let gateway: SparkplugScadaGateway;
  let potline: Potline;
  let observer: Awaited<ReturnType<typeof watcher>>;
  const hotState = new MemoryHotStateStore();
  const readback = new MemoryReadbackStore();
  const commands = new MemoryCommandRepository();
  const publisher = new RecordingEventPublisher();
  let dispatcher: ScadaDispatcher;
  const observe = (bodies: Uint8Array[]) =>
    observeReadback(readbackReportsOf(bodies), {
      readback,
      commands,
      publisher,
      audit: new MemoryAuditLog(),
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      clock: () => potline.nowMs(),
    });
  const freshVoltage = (cellId: string) =>
    hotState.docs.set(cellId, {
      id: cellId,
      cellId,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: potline.nowMs(), quality: 'good', flags: [] } },
      updatedAtMs: potline.nowMs(),
    });

  beforeAll(async () => {
    broker = await startMqttBroker();
    potline = createPotline({ lines: 1, cellsPerLine: 2, seed: 11, feederChokesPerCellDay: 0, lineRampsPerDay: 0 });
    observer = await watcher(broker.url, broker.observer());
    const host = broker.host();
    gateway = await SparkplugScadaGateway.connect({
      url: broker.url,
      username: host.username,
      password: host.password,
      clock: () => potline.nowMs(),
    });
    const creds = broker.edge(NODE);
    edge = await startEdgeNode({
      brokerUrl: broker.url,
      username: creds.username,
      password: creds.password,
      potline,
      lineId: 'L1',
      primaryHostId: DEFAULT_HOST_ID,
      clock: () => potline.nowMs(),
    });
    await until(() => gateway.session.isDeviceOnline(NODE, CELL), 'the DBIRTH of L1-C001');
    dispatcher = new ScadaDispatcher({
      commands,
      overrides: new MemoryOverrideStore(),
      hotState,
      readback,
      gateway,
      publisher,
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      policy: { maxAttempts: 2, ackTimeoutMs: 2000, backoffMs: 0 },
      clock: () => potline.nowMs(),
      sleep: async () => {},
    });
  });

  afterAll(async () => {
    await observer?.client.endAsync();
    await gateway?.close();
    await edge?.stop();
    await broker?.stop();
  });

  it('births every device with its writable set points and their current values, after the host is online', () => {
    const births = observer.seen.filter((m) => parseTopic(m.topic)?.kind === 'device');
    const birth = births.find((m) => m.topic === deviceTopic('smelter', 'DBIRTH', NODE, CELL))!;
    const acd = decodePayload(birth.payload).metrics.find((m) => m.name === 'Setpoints/acdCm')!;
    expect(acd).toMatchObject({
      datatype: 'Double',
      value: potline.cell(CELL)!.acdTargetCm,
      properties: { engUnit: 'cm', readOnly: false, engLow: 1.5, engHigh: 6 },
    });
    expect(acd.alias).toBeGreaterThan(0);
    // The DCMD's command metrics are declared writable, so a host writes only what the device said it takes.
    const declared = decodePayload(birth.payload).metrics.filter((m) => m.name?.startsWith('Command/'));
    expect(declared).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Command/Id', datatype: 'String', properties: { readOnly: false } }),
        expect.objectContaining({ name: 'Command/Version', datatype: 'UInt64', properties: { readOnly: false } }),
      ]),
    );
    const state = observer.seen.find((m) => m.topic === `spBv1.0/STATE/${DEFAULT_HOST_ID}`)!;
    expect(JSON.parse(state.payload.toString())).toMatchObject({ online: true });
  });

  it('confirms a command only by the read-back in DDATA, and dispatches a redelivery once', async () => {
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
    expect(edge.counters()).toMatchObject({ commandsApplied: 1 });
    expect(potline.cell(CELL)!.acdTargetCm).toBe(targetCm);
    const ack = publisher.published.find((e) => e.type === 'smelter.command.acknowledged')!;
    expect(ack.data).toMatchObject({ ack: { applied: { acdCm: targetCm }, previous: { acdCm: acdBeforeCm } } });
    expect(gateway.stats().confirmed).toBe(1);

    const after = await telemetry(potline, 10, observe);
    expect(firstOf(after, 'anodeBeamPosition').value - beamBeforeCm).toBeCloseTo(0.2, 1);
    expect((await readback.latest(CELL))?.fields.acdCm?.value).toBe(targetCm);
    expect([...readback.changes.values()].filter((c) => c.equipmentId === CELL && c.field === 'acdCm')).toMatchObject([
      { origin: 'command', from: acdBeforeCm, to: targetCm },
    ]);

    const again = await dispatcher.handle(event);
    expect(again).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: false }] });
    expect(edge.counters().commandsApplied).toBe(1);
  });

  it('fails a command for a cell its local panel holds in manual, naming the PLC’s code', async () => {
    freshVoltage(CELL);
    const feedS = (await readback.latest(CELL))!.fields.feedIntervalS!.value;
    edge.setPanelManual(CELL, true);
    try {
      const report = await dispatcher.handle(
        setpointRecommendedEvent(
          {
            recommendationId: 'run-panel',
            lineId: 'L1',
            setPoints: [{ equipmentId: CELL, setPoint: { feedIntervalS: feedS - 5 }, present: {} }],
          },
          { source: '/orchestrations/optimize' },
        ),
      );
      expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'ERR-SCADA-PLC-REFUSED' } }] });
      expect(publisher.published.at(-1)).toMatchObject({
        type: 'smelter.command.failed',
        data: { failure: { message: expect.stringContaining('PLC-LOCAL-MANUAL') } },
      });
      expect(potline.cell(CELL)!.feedIntervalS).toBe(feedS);
    } finally {
      edge.setPanelManual(CELL, false);
    }
  });

  it('refuses a DCMD older than the last version applied to the field, or sent too long ago', async () => {
    const host = broker.host();
    const client: MqttClient = await connectAsync(broker.url, { protocolVersion: 4, ...host, clientId: 'host-probe' });
    const birth = observer.seen.find((m) => m.topic === deviceTopic('smelter', 'DBIRTH', NODE, CELL))!;
    const resultAlias = decodePayload(birth.payload).metrics.find((m) => m.name === LAST_COMMAND_RESULT_METRIC)!.alias;
    const result = () =>
      observer.seen
        .filter((m) => m.topic === deviceTopic('smelter', 'DDATA', NODE, CELL))
        .flatMap((m) =>
          decodePayload(m.payload)
            .metrics.filter((x) => x.alias === resultAlias)
            .map((x) => x.value),
        );
    const earlier = result().length;
    const acd = potline.cell(CELL)!.acdTargetCm;
    const write = (version: number, sentAtMs: number, commandId: string) => {
      const m = setpointWrite({
        groupId: 'smelter',
        edgeNodeId: NODE,
        deviceId: CELL,
        commandId,
        version,
        setPoint: { acdCm: acd + 0.05 },
        nowMs: sentAtMs,
      });
      return client.publishAsync(m.topic, Buffer.from(m.payload), { qos: 0 });
    };
    await write(1, potline.nowMs(), 'stale-version');
    await until(() => result().length >= earlier + 1, 'the refusal of the stale version');
    await write(potline.nowMs(), potline.nowMs() - 60_000, 'too-old');
    await until(() => result().length >= earlier + 2, 'the refusal of the old command');
    expect(result().slice(earlier)).toEqual(['PLC-STALE-VERSION', 'PLC-COMMAND-TOO-OLD']);
    expect(potline.cell(CELL)!.acdTargetCm).toBe(acd);
    await client.endAsync();
  });

  it('resumes a command after a crash by the read-back: never a stale value over a newer one, never sent twice', async () => {
    /** The host dies during the attempt: the DCMD leaves (or not), and no answer is ever stored. */
    const dyingGateway = (dcmdLeaves: boolean): ScadaGateway => ({
      async send(command, attempt, timeoutMs) {
        if (dcmdLeaves) void gateway.send(command, attempt, timeoutMs);
        return new Promise<never>(() => {});
      },
      async close() {},
    });
    const dispatcherOn = (gw: ScadaGateway) =>
      new ScadaDispatcher({
        commands,
        overrides: new MemoryOverrideStore(),
        hotState,
        readback,
        gateway: gw,
        publisher,
        limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
        policy: { maxAttempts: 2, ackTimeoutMs: 2000, backoffMs: 0 },
        clock: () => potline.nowMs(),
        sleep: async () => {},
      });
    const recommend = (recommendationId: string, setPoint: SetPointValues) =>
      setpointRecommendedEvent(
        { recommendationId, lineId: 'L1', setPoints: [{ equipmentId: CELL, setPoint, present: {} }] },
        { source: '/orchestrations/optimize', correlationId: recommendationId },
      );
    const stateOf = (recommendationId: string) =>
      commands.docs.get(commandIdFor(recommendationId, CELL, 'setpoint'))?.state;
    const alf3 = potline.cell(CELL)!.alf3AdditionKgPerDay;
    const feedS = potline.cell(CELL)!.feedIntervalS;

    // A: stored as dispatched, then the host dies before its DCMD leaves. B, newer, is applied after the restart.
    freshVoltage(CELL);
    const older = recommend('run-crash-older', { alf3AdditionKgPerDay: alf3 + 4 });
    void dispatcherOn(dyingGateway(false)).handle(older);
    await until(() => stateOf('run-crash-older') === 'dispatched', 'the older command to be dispatched');
    await telemetry(potline, 5, observe);
    const restarted = dispatcherOn(gateway);
    freshVoltage(CELL);
    expect(await restarted.handle(recommend('run-crash-newer', { alf3AdditionKgPerDay: alf3 + 8 }))).toMatchObject({
      commands: [{ state: 'acknowledged' }],
    });
    await telemetry(potline, 2, observe);
    const received = edge.counters().commandsReceived;
    freshVoltage(CELL);
    // A's message comes back: the read-back shows a newer value, so A is not sent at all.
    expect(await restarted.handle(older)).toMatchObject({
      commands: [{ state: 'failed', failure: { code: 'ERR-SCADA-SUPERSEDED' } }],
    });
    expect(potline.cell(CELL)!.alf3AdditionKgPerDay).toBe(alf3 + 8);
    expect(edge.counters().commandsReceived).toBe(received);

    // C: its DCMD leaves and is applied, then the host dies before it stores the acknowledgement.
    freshVoltage(CELL);
    const applied = edge.counters().commandsApplied;
    const confirmed = recommend('run-crash-applied', { feedIntervalS: feedS - 5 });
    void dispatcherOn(dyingGateway(true)).handle(confirmed);
    await until(() => edge.counters().commandsApplied === applied + 1, 'the edge node to apply the command');
    await telemetry(potline, 5, observe);
    const receivedBefore = edge.counters().commandsReceived;
    freshVoltage(CELL);
    // C's message comes back: the read-back already shows its value, so it is confirmed without a second DCMD.
    expect(await restarted.handle(confirmed)).toMatchObject({ commands: [{ state: 'acknowledged' }] });
    expect(edge.counters().commandsReceived).toBe(receivedBefore);
    expect(potline.cell(CELL)!.feedIntervalS).toBe(feedS - 5);
  });

  it('lets an outside client with the observer credentials watch, refuses it without them, and refuses its DCMD', async () => {
    expect(observer.seen.some((m) => m.topic.includes('/NBIRTH/'))).toBe(true);
    expect(observer.seen.some((m) => m.topic.includes('/DBIRTH/'))).toBe(true);
    expect(observer.seen.some((m) => m.topic.includes('/DDATA/'))).toBe(true);

    await expect(connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized/i,
    );
    await expect(
      connectAsync(broker.url, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        username: 'observer',
        password: 'guessed-password-123',
      }),
    ).rejects.toThrow(/Bad username or password/i);

    const stranger = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, ...broker.observer() });
    const closed = new Promise<void>((resolve) => stranger.once('close', () => resolve()));
    const before = edge.counters().commandsReceived;
    const refusedBefore = broker.counters().publishesRefused;
    const m = setpointWrite({
      groupId: 'smelter',
      edgeNodeId: NODE,
      deviceId: CELL,
      commandId: 'stranger',
      version: Number.MAX_SAFE_INTEGER,
      setPoint: { acdCm: 4.6 },
      nowMs: potline.nowMs(),
    });
    stranger.publish(m.topic, Buffer.from(m.payload), { qos: 1 });
    await closed;
    stranger.end(true);
    expect(broker.counters().publishesRefused).toBe(refusedBefore + 1);
    expect(edge.counters().commandsReceived).toBe(before);
  });

  it('rebirths on request and dies by its will when killed', async () => {
    const births = () => observer.seen.filter((m) => m.topic.includes('/NBIRTH/')).length;
    const n = births();
    const host = broker.host();
    const probe = await connectAsync(broker.url, { protocolVersion: 4, ...host, clientId: 'host-rebirth' });
    const { rebirthRequest } = await import('../../shared/sparkplug/commands.js');
    const r = rebirthRequest('smelter', NODE, potline.nowMs());
    await probe.publishAsync(r.topic, Buffer.from(r.payload), { qos: 0 });
    await until(() => births() > n, 'the rebirth');
    await probe.endAsync();

    edge.kill();
    await until(() => observer.seen.some((m) => m.topic === `spBv1.0/smelter/NDEATH/${NODE}`), 'the NDEATH will');
    const death = observer.seen.find((m) => m.topic === `spBv1.0/smelter/NDEATH/${NODE}`)!;
    expect(decodePayload(death.payload).metrics).toMatchObject([{ name: 'bdSeq', datatype: 'Int64' }]);
    await until(() => !gateway.session.isDeviceOnline(NODE, CELL), 'the host marking the device offline');
  });

  it('never assumes a command applied when no read-back comes: retries by policy, then fails', async () => {
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
    freshVoltage(CELL);
    const feedS = (await readback.latest(CELL))!.fields.feedIntervalS!.value;
    const report = await silent.handle(
      setpointRecommendedEvent(
        {
          recommendationId: 'run-silent',
          lineId: 'L1',
          setPoints: [{ equipmentId: CELL, setPoint: { feedIntervalS: feedS - 10 }, present: {} }],
        },
        { source: '/orchestrations/optimize' },
      ),
    );
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
