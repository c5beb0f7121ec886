/**
 * The simulated plant's pot controller for one line, as a Sparkplug B 3.0 edge node: its cells and the line's
 * rectifier (`<line>-LINE`) are its devices. It births them (every metric with alias, datatype and unit, the writable
 * set points with their current values), publishes the simulator's telemetry and the PLCs' read-back as DDATA, dies
 * by its will, rebirths on request, and applies a DCMD as a PLC would: only within its own equipment limits, never to
 * a cell its local panel holds in manual, never a command older than the last one it applied to that field or older
 * than a few seconds — and it reports the outcome in the device's own metrics, the only answer Sparkplug has.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { decodePayload, encodePayload, type MetricInput, type Payload } from '../../shared/sparkplug/codec.js';
import {
  APPLIED,
  BDSEQ_METRIC,
  commandMetrics,
  COMMAND_ID_METRIC,
  COMMAND_VERSION_METRIC,
  fieldOfSetpointMetric,
  LAST_COMMAND_ID_METRIC,
  LAST_COMMAND_MESSAGE_METRIC,
  LAST_COMMAND_RESULT_METRIC,
  PANEL_MODE_METRIC,
  QUALITY_BAD,
  QUALITY_GOOD,
  QUALITY_STALE,
  REBIRTH_METRIC,
  SETPOINT_UNIT,
  setpointMetric,
  statusMetrics,
  TELEMETRY_PREFIX,
} from '../../shared/sparkplug/metrics.js';
import { sendSmallPacketsAtOnce } from '../../shared/sparkplug/mqtt-socket.js';
import {
  DEFAULT_GROUP_ID,
  deviceTopic,
  edgeNodeOfLine,
  nodeTopic,
  parseTopic,
  statePayloadOf,
  stateTopic,
} from '../../shared/sparkplug/topic.js';
import { fieldOfReadbackTag } from '../../shared/scada/readback.js';
import { SET_POINT_FIELDS, type SetPointField } from '../../shared/plant/set-point.js';
import { SetPoint, SimulatorError, type AppliedSetPoint, type EmittedPoint, type Potline } from '../simulator/index.js';
import { pointTsMs } from '../simulator/point.js';
import { createRng, type Rng } from '../simulator/prng.js';
import { CELL_READBACK_FIELDS } from '../simulator/readback.js';
import { plantTagTranslations } from '../simulator/plant-tags.js';
import { CELL_TAGS, EVENT_TAGS, lineSensorCellId, TAG_SPECS, UNKNOWN_TAGS, type SimTag } from '../simulator/tags.js';

export interface EdgeNodeOptions {
  brokerUrl: string;
  username: string;
  password: string;
  potline: Potline;
  lineId: string;
  groupId?: string;
  /** Wait for this Primary Host's online STATE before the first birth (§5.7), and die when it goes offline. */
  primaryHostId?: string;
  /** The PLC's clock, epoch ms, for DCMD ages and birth timestamps (default: the wall clock, NTP-synchronised). */
  clock?: () => number;
  /**
   * A DCMD whose timestamp is older than this is refused, ms (default 10 s: the host's whole window for one command,
   * three attempts of 3 s; anything older is a command queued somewhere while its sender gave up on it).
   */
  maxCommandAgeMs?: number;
  /**
   * Times per line-hour the potroom takes a cell to manual at its local panel, for 2–10 minutes of plant time;
   * 0 by default (a quiet plant for tests). The panel's mode is reported as `Panel/Mode`.
   */
  panelManualPerLineHour?: number;
  seed?: number;
  /** The PLC's report of a change it applied, made at once (the simulator run's readbackNow). */
  readbackNow?: (equipmentId: string, fields: readonly SetPointField[], tsMs: number) => EmittedPoint[];
  /** Told when the potroom takes a cell to manual at its panel (for the run's ground-truth labels). */
  onPanelManual?: (cellId: string, fromMs: number, untilMs: number) => void;
  /** Told of every set point it applied on a command, with the values it replaced (for the envelope audit). */
  onApplied?: (applied: AppliedSetPoint) => void;
  /** Told of every point published, for the run's record of what was sent. */
  onPointsSent?: (points: readonly EmittedPoint[]) => void;
  /**
   * Told of every DCMD it answered, when it answered (its clock): what a test asks to know whether a command reached
   * a cell at all, applied or refused.
   */
  onCommand?: (command: ReceivedCommand) => void;
}

/** A DCMD as the PLC answered it: the device, the command id, when, and APPLIED or the refusal code. */
export interface ReceivedCommand {
  deviceId: string;
  commandId: string;
  atMs: number;
  result: string;
}

export interface EdgeNodeCounters {
  births: number;
  rebirthRequests: number;
  ddataPublished: number;
  pointsPublished: number;
  /** DDATA payloads published corrupt on purpose (the simulator's body faults carried over). */
  corruptPublished: number;
  commandsReceived: number;
  commandsApplied: number;
  /** Commands refused, by the PLC's code. */
  commandsRefused: Record<string, number>;
  /** Commands whose payload could not be read at all. */
  commandsUnreadable: number;
  /** Panel changes: a cell taken to manual at its local panel (labelled in the stream as Panel/Mode = manual). */
  panelManualEpisodes: number;
  /** Points held while the node was not born (no Primary Host online), published after the birth. */
  pointsHeld: number;
}

export interface EdgeNodeHandle {
  readonly edgeNodeId: string;
  /** Publishes points of this line's devices as DDATA (one message per device); corrupt bodies as corrupt payloads. */
  publishPoints(byDevice: ReadonlyMap<string, readonly EmittedPoint[]>, corrupt?: readonly string[]): Promise<void>;
  counters(): EdgeNodeCounters;
  /** Holds (or releases) a cell at its local panel. */
  setPanelManual(cellId: string, manual: boolean): void;
  /** A clean stop: NDEATH, then DISCONNECT. */
  stop(): Promise<void>;
  /** A crash: the connection drops without DISCONNECT, so the broker publishes the will (NDEATH). */
  kill(): void;
}

/** Metrics a device of this line declares: telemetry, set points, command status, panel. */
interface DeviceModel {
  deviceId: string;
  telemetry: { tag: string; unit: string | undefined }[];
  setpoints: readonly SetPointField[];
}

const MAX_HELD_POINTS = 200_000;
const PANEL_MANUAL_MIN_MS = 120_000;
const PANEL_MANUAL_MAX_MS = 600_000;

/** Connects the line's edge node; resolves once connected (births follow at once, or when the host is online). */
export async function startEdgeNode(o: EdgeNodeOptions): Promise<EdgeNodeHandle> {
  const groupId = o.groupId ?? DEFAULT_GROUP_ID;
  const edgeNodeId = edgeNodeOfLine(o.lineId);
  const clock = o.clock ?? Date.now;
  const maxCommandAgeMs = o.maxCommandAgeMs ?? 10_000;
  const rng: Rng = createRng(o.seed ?? o.potline.seed).fork(`panel-${o.lineId}`);
  const devices = devicesOfLine(o.potline, o.lineId);
  const aliases = new Map<string, number>();
  let nextAlias = 1;
  for (const d of devices.values())
    for (const name of metricNames(d)) aliases.set(`${d.deviceId}|${name}`, nextAlias++);
  const aliasOf = (deviceId: string, name: string) => aliases.get(`${deviceId}|${name}`)!;
  const nameOfAlias = new Map<number, string>();
  for (const [key, alias] of aliases) nameOfAlias.set(alias, key.split('|')[1]!);

  const counters: EdgeNodeCounters = {
    births: 0,
    rebirthRequests: 0,
    ddataPublished: 0,
    pointsPublished: 0,
    corruptPublished: 0,
    commandsReceived: 0,
    commandsApplied: 0,
    commandsRefused: {},
    commandsUnreadable: 0,
    panelManualEpisodes: 0,
    pointsHeld: 0,
  };
  const manualUntil = new Map<string, number>();
  const lastApplied = new Map<string, { version: number; commandId: string }>();
  const lastCommand = new Map<string, { id: string; result: string; message: string }>();
  // One birth/death sequence number per process: mqtt.js registers the same will on every reconnect, so the births
  // carry it too; a restarted controller takes another, so the will of its previous life reads as stale.
  const bdSeq = Math.floor(Date.now() / 1000) % 256;
  let seq = 0;
  let born = false;
  let hostOnlineAt = -1;
  const held: { deviceId: string; points: EmittedPoint[] }[] = [];
  let heldCount = 0;

  const nextSeq = () => {
    seq = (seq + 1) % 256;
    return seq;
  };
  const deathPayload = () =>
    Buffer.from(
      encodePayload({ timestamp: Date.now(), metrics: [{ name: BDSEQ_METRIC, datatype: 'Int64', value: bdSeq }] }),
    );

  const client: MqttClient = await connectAsync(o.brokerUrl, {
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    clientId: `${edgeNodeId}-${process.pid}`,
    username: o.username,
    password: o.password,
    will: { topic: nodeTopic(groupId, 'NDEATH', edgeNodeId), payload: deathPayload(), qos: 1, retain: false },
  });
  sendSmallPacketsAtOnce(client);

  // Births and data at QoS 1, not the specification's 0 (§6.4.10): the ingress bridge acknowledges a message only once
  // the hub holds it, and QoS 1 is what makes the broker keep it for a bridge that restarts. Births go at the same QoS
  // as data because a broker may deliver QoS 0 ahead of QoS 1 messages still queued: a birth overtaking older data
  // reads as a seq gap at every host, which asks for a rebirth, which overtakes again.
  const publish = (topic: string, payload: Uint8Array) => client.publish(topic, Buffer.from(payload), { qos: 1 });

  const birth = () => {
    seq = 0;
    publish(
      nodeTopic(groupId, 'NBIRTH', edgeNodeId),
      encodePayload({
        timestamp: clock(),
        seq: 0,
        metrics: [
          { name: BDSEQ_METRIC, datatype: 'Int64', value: bdSeq },
          { name: REBIRTH_METRIC, datatype: 'Boolean', value: false },
        ],
      }),
    );
    for (const d of devices.values()) {
      publish(
        deviceTopic(groupId, 'DBIRTH', edgeNodeId, d.deviceId),
        encodePayload({ timestamp: clock(), seq: nextSeq(), metrics: birthMetrics(d) }),
      );
    }
    born = true;
    counters.births++;
    for (const h of held.splice(0)) publishDeviceData(h.deviceId, h.points);
    heldCount = 0;
  };

  const birthMetrics = (d: DeviceModel): MetricInput[] => {
    const nowMs = clock();
    const metrics: MetricInput[] = d.telemetry.map((t) => ({
      name: `${TELEMETRY_PREFIX}${t.tag}`,
      alias: aliasOf(d.deviceId, `${TELEMETRY_PREFIX}${t.tag}`),
      timestamp: nowMs,
      datatype: 'Double',
      value: null,
      properties: { readOnly: true, ...(t.unit ? { engUnit: t.unit } : {}) },
    }));
    for (const f of d.setpoints)
      metrics.push({
        name: setpointMetric(f),
        alias: aliasOf(d.deviceId, setpointMetric(f)),
        timestamp: nowMs,
        datatype: 'Double',
        value: currentSetpoint(o.potline, d.deviceId, f),
        properties: { readOnly: false, engUnit: SETPOINT_UNIT[f], ...equipmentLimits(f) },
      });
    // The command metrics a host writes, with the last command applied here and the highest version of any field.
    const newest = d.setpoints
      .map((f) => lastApplied.get(`${d.deviceId}|${f}`))
      .reduce<{ version: number; commandId: string } | undefined>(
        (a, b) => (b && (!a || b.version > a.version) ? b : a),
        undefined,
      );
    for (const c of commandMetrics())
      metrics.push({
        name: c.name,
        alias: aliasOf(d.deviceId, c.name),
        timestamp: nowMs,
        datatype: c.datatype,
        value: c.name === COMMAND_ID_METRIC ? (newest?.commandId ?? '') : (newest?.version ?? 0),
        properties: { readOnly: false },
      });
    const last = lastCommand.get(d.deviceId);
    for (const s of statusMetrics(d.deviceId)) {
      const value =
        s.name === LAST_COMMAND_ID_METRIC
          ? (last?.id ?? '')
          : s.name === LAST_COMMAND_RESULT_METRIC
            ? (last?.result ?? '')
            : s.name === LAST_COMMAND_MESSAGE_METRIC
              ? (last?.message ?? '')
              : panelMode(d.deviceId, nowMs);
      metrics.push({
        name: s.name,
        alias: aliasOf(d.deviceId, s.name),
        timestamp: nowMs,
        datatype: s.datatype,
        value,
        properties: { readOnly: true },
      });
    }
    return metrics;
  };

  const panelMode = (deviceId: string, nowMs: number) =>
    (manualUntil.get(deviceId) ?? -1) > nowMs ? 'manual' : 'auto';

  /** One DDATA for one device: the points as metrics by alias, unit and quality restated where they differ. */
  const publishDeviceData = (deviceId: string, points: readonly EmittedPoint[], extra: MetricInput[] = []) => {
    const d = devices.get(deviceId);
    if (!d) return;
    if (!born) {
      if (heldCount + points.length <= MAX_HELD_POINTS) {
        held.push({ deviceId, points: [...points] });
        heldCount += points.length;
        counters.pointsHeld += points.length;
      }
      return;
    }
    const metrics: MetricInput[] = [];
    for (const p of points) {
      const field = fieldOfReadbackTag(p.tag);
      const name = field ? setpointMetric(field) : `${TELEMETRY_PREFIX}${p.tag}`;
      const alias = aliases.get(`${deviceId}|${name}`);
      if (alias === undefined) continue; // not a metric of this device: nothing a PLC could send
      const declaredUnit = field ? SETPOINT_UNIT[field] : d.telemetry.find((t) => t.tag === p.tag)?.unit;
      metrics.push({
        alias,
        timestamp: pointTsMs(p),
        datatype: 'Double',
        value: p.value,
        properties: {
          ...(p.seq !== undefined ? { seq: p.seq } : {}),
          ...(p.unit !== declaredUnit ? { engUnit: p.unit } : {}),
          ...(qualityCode(p.quality) !== QUALITY_GOOD ? { Quality: qualityCode(p.quality) } : {}),
        },
      });
    }
    metrics.push(...extra);
    if (metrics.length === 0) return;
    publish(
      deviceTopic(groupId, 'DDATA', edgeNodeId, deviceId),
      encodePayload({ timestamp: clock(), seq: nextSeq(), metrics }),
    );
    counters.ddataPublished++;
    counters.pointsPublished += points.length;
  };

  const statusUpdate = (deviceId: string, nowMs: number): MetricInput[] => {
    const last = lastCommand.get(deviceId)!;
    return [
      { alias: aliasOf(deviceId, LAST_COMMAND_ID_METRIC), timestamp: nowMs, datatype: 'String', value: last.id },
      {
        alias: aliasOf(deviceId, LAST_COMMAND_RESULT_METRIC),
        timestamp: nowMs,
        datatype: 'String',
        value: last.result,
      },
      {
        alias: aliasOf(deviceId, LAST_COMMAND_MESSAGE_METRIC),
        timestamp: nowMs,
        datatype: 'String',
        value: last.message,
      },
    ];
  };

  const refuse = (deviceId: string, commandId: string, code: string, message: string) => {
    counters.commandsRefused[code] = (counters.commandsRefused[code] ?? 0) + 1;
    o.onCommand?.({ deviceId, commandId, atMs: clock(), result: code });
    if (!devices.has(deviceId)) return; // no such device: nothing of ours to report it in
    lastCommand.set(deviceId, { id: commandId, result: code, message });
    publishDeviceData(deviceId, [], statusUpdate(deviceId, clock()));
  };

  const onCommand = (deviceId: string, payload: Payload) => {
    counters.commandsReceived++;
    const byName = new Map<string, Payload['metrics'][number]>();
    for (const m of payload.metrics) {
      const name = m.name ?? (m.alias !== undefined ? nameOfAlias.get(m.alias) : undefined);
      if (name) byName.set(name, m);
    }
    const commandId = byName.get(COMMAND_ID_METRIC)?.value;
    const version = byName.get(COMMAND_VERSION_METRIC)?.value;
    const setPoint: SetPoint = {};
    for (const [name, m] of byName) {
      const field = fieldOfSetpointMetric(name);
      if (field && typeof m.value === 'number') setPoint[field] = m.value;
    }
    const fields = SET_POINT_FIELDS.filter((f) => setPoint[f] !== undefined);
    if (typeof commandId !== 'string' || typeof version !== 'number' || fields.length === 0)
      return refuse(
        deviceId,
        typeof commandId === 'string' ? commandId : '',
        'PLC-BAD-COMMAND',
        `a DCMD needs ${COMMAND_ID_METRIC} (String), ${COMMAND_VERSION_METRIC} (UInt64) and at least one set point`,
      );
    const nowMs = clock();
    if (payload.timestamp === undefined || nowMs - payload.timestamp > maxCommandAgeMs)
      return refuse(
        deviceId,
        commandId,
        'PLC-COMMAND-TOO-OLD',
        `sent at ${payload.timestamp ?? 'an unknown time'}, ${payload.timestamp === undefined ? '' : `${nowMs - payload.timestamp} ms ago; `}older than ${maxCommandAgeMs} ms is refused`,
      );
    if (panelMode(deviceId, nowMs) === 'manual')
      return refuse(deviceId, commandId, 'PLC-LOCAL-MANUAL', `${deviceId} is held in manual at its local panel`);
    const prior = fields.map((f) => lastApplied.get(`${deviceId}|${f}`));
    const newer = prior.find((p) => p && p.version > version);
    if (newer)
      return refuse(
        deviceId,
        commandId,
        'PLC-STALE-VERSION',
        `version ${version} is older than ${newer.version} (${newer.commandId}) already applied`,
      );
    const repeat = prior.every((p) => p?.commandId === commandId);
    if (!repeat) {
      try {
        const applied = o.potline.applySetPoint(deviceId, setPoint);
        o.onApplied?.(applied);
      } catch (e) {
        if (e instanceof SimulatorError) return refuse(deviceId, commandId, e.code, `${e.field}: ${e.message}`);
        throw e;
      }
      for (const f of fields) lastApplied.set(`${deviceId}|${f}`, { version, commandId });
      counters.commandsApplied++;
    }
    // Report by exception: the read-back of what it now holds, at once (a repeat of an applied command is told again).
    lastCommand.set(deviceId, { id: commandId, result: APPLIED, message: '' });
    o.onCommand?.({ deviceId, commandId, atMs: nowMs, result: APPLIED });
    // Stamped by the PLC's clock when it applied the change, never earlier than the command that caused it (the
    // simulated plant time advances in whole steps and may trail); the refresh resumes after this report.
    const points = o.readbackNow?.(deviceId, fields, Math.max(o.potline.nowMs(), nowMs)) ?? [];
    const extra = statusUpdate(deviceId, nowMs);
    if (points.length === 0)
      for (const f of fields)
        extra.push({
          alias: aliasOf(deviceId, setpointMetric(f)),
          timestamp: nowMs,
          datatype: 'Double',
          value: currentSetpoint(o.potline, deviceId, f),
        });
    publishDeviceData(deviceId, points, extra);
    if (points.length > 0) o.onPointsSent?.(points);
  };

  const onMessage = (topic: string, payload: Buffer) => {
    const t = parseTopic(topic);
    if (!t) return;
    if (t.kind === 'state') {
      if (t.hostId !== o.primaryHostId) return;
      const state = statePayloadOf(payload);
      if (!state || state.timestamp < hostOnlineAt) return;
      if (state.online) {
        hostOnlineAt = state.timestamp;
        if (!born) birth();
      } else if (born) {
        // The Primary Host went offline: say so with our death and wait for it to come back (§5.7).
        publish(nodeTopic(groupId, 'NDEATH', edgeNodeId), deathPayload());
        born = false;
      }
      return;
    }
    let decoded: Payload;
    try {
      decoded = decodePayload(payload);
    } catch {
      counters.commandsUnreadable++;
      return;
    }
    if (t.kind === 'node' && t.verb === 'NCMD') {
      if (decoded.metrics.some((m) => m.name === REBIRTH_METRIC && m.value === true)) {
        counters.rebirthRequests++;
        if (born || !o.primaryHostId) birth();
      }
      return;
    }
    if (t.kind === 'device' && t.verb === 'DCMD') onCommand(t.deviceId, decoded);
  };
  client.on('message', onMessage);
  // A reconnect is a new session for the broker: subscriptions and births again, with the same will.
  client.on('connect', () => void subscribeAndBirth().catch(() => undefined));

  const subscribeAndBirth = async () => {
    born = false;
    await client.subscribeAsync(
      [
        nodeTopic(groupId, 'NCMD', edgeNodeId),
        `${deviceTopic(groupId, 'DCMD', edgeNodeId, '+')}`,
        ...(o.primaryHostId ? [stateTopic(o.primaryHostId)] : []),
      ],
      { qos: 1 },
    );
    if (!o.primaryHostId) birth();
  };
  await subscribeAndBirth();

  const maybeTakeToManual = (nowMs: number, elapsedMs: number) => {
    const rate = o.panelManualPerLineHour ?? 0;
    if (rate <= 0 || elapsedMs <= 0 || !rng.chance((rate * elapsedMs) / 3_600_000)) return;
    const cells = [...devices.keys()].filter((id) => id !== lineSensorCellId(o.lineId));
    const cellId = rng.pick(cells);
    const untilMs = nowMs + rng.uniform(PANEL_MANUAL_MIN_MS, PANEL_MANUAL_MAX_MS);
    manualUntil.set(cellId, untilMs);
    counters.panelManualEpisodes++;
    o.onPanelManual?.(cellId, nowMs, untilMs);
    publishDeviceData(
      cellId,
      [],
      [{ alias: aliasOf(cellId, PANEL_MODE_METRIC), timestamp: nowMs, datatype: 'String', value: 'manual' }],
    );
  };
  let lastStepMs = clock();

  return {
    edgeNodeId,
    async publishPoints(byDevice, corrupt = []) {
      const nowMs = clock();
      maybeTakeToManual(nowMs, nowMs - lastStepMs);
      lastStepMs = nowMs;
      for (const [deviceId, points] of byDevice) publishDeviceData(deviceId, points);
      for (const deviceId of corrupt) {
        // A payload no protobuf reader accepts (an unknown field with wire type 7), published without taking a seq.
        publish(deviceTopic(groupId, 'DDATA', edgeNodeId, deviceId), new Uint8Array([0x7f, 0x01]));
        counters.corruptPublished++;
      }
    },
    counters: () => ({ ...counters, commandsRefused: { ...counters.commandsRefused } }),
    setPanelManual(cellId, manual) {
      manualUntil.set(cellId, manual ? Number.POSITIVE_INFINITY : -1);
    },
    async stop() {
      if (born) await client.publishAsync(nodeTopic(groupId, 'NDEATH', edgeNodeId), deathPayload(), { qos: 1 });
      born = false;
      await client.endAsync();
    },
    kill() {
      born = false;
      client.stream.destroy();
      client.end(true);
    },
  };
}

function devicesOfLine(potline: Potline, lineId: string): Map<string, DeviceModel> {
  const unknown = UNKNOWN_TAGS.map((tag) => ({ tag, unit: undefined }));
  // The line's tag map names its metrics: the plant's own name and unit where it maps a canonical tag.
  const translations = plantTagTranslations(potline.plant).get(lineId);
  const spec = (tag: SimTag) => {
    const t = translations?.get(tag);
    return t ? { tag: t.plantTag, unit: t.unit } : { tag, unit: TAG_SPECS[tag].canonicalUnit };
  };
  const devices = new Map<string, DeviceModel>();
  const lineDevice = lineSensorCellId(lineId);
  devices.set(lineDevice, {
    deviceId: lineDevice,
    telemetry: [spec('lineCurrent'), ...unknown],
    setpoints: ['lineCurrentKA'],
  });
  for (const cell of potline.cells) {
    if (cell.params.lineId !== lineId) continue;
    devices.set(cell.params.cellId, {
      deviceId: cell.params.cellId,
      telemetry: [...CELL_TAGS.map(spec), ...EVENT_TAGS.map(spec), ...unknown],
      setpoints: CELL_READBACK_FIELDS,
    });
  }
  return devices;
}

function metricNames(d: DeviceModel): string[] {
  return [
    ...d.telemetry.map((t) => `${TELEMETRY_PREFIX}${t.tag}`),
    ...d.setpoints.map(setpointMetric),
    ...commandMetrics().map((c) => c.name),
    ...statusMetrics(d.deviceId).map((s) => s.name),
  ];
}

function currentSetpoint(potline: Potline, deviceId: string, field: SetPointField): number {
  if (field === 'lineCurrentKA') return potline.line(deviceId.slice(0, deviceId.indexOf('-')))!.baseKA;
  const cell = potline.cell(deviceId)!;
  if (field === 'acdCm') return cell.acdTargetCm;
  if (field === 'feedIntervalS') return cell.feedIntervalS;
  return cell.alf3AdditionKgPerDay;
}

/** The PLC's own limits (local/simulator SetPoint), declared as engLow/engHigh. */
function equipmentLimits(field: SetPointField): { engLow: number; engHigh: number } {
  const range = SetPoint.shape[field].unwrap();
  return { engLow: range.minValue ?? -Infinity, engHigh: range.maxValue ?? Infinity };
}

/** The simulator's quality as a Sparkplug quality code (§6.4.9.1: 0 bad, 192 good, 500 stale). */
function qualityCode(q: EmittedPoint['quality']): number {
  if (q === 'good' || q === 192) return QUALITY_GOOD;
  if (q === 'uncertain') return QUALITY_STALE;
  return QUALITY_BAD;
}
