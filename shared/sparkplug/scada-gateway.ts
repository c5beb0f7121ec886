/**
 * The ScadaGateway over Sparkplug B 3.0: the platform is the Primary Host Application. It publishes its STATE birth
 * (and registers the offline STATE as its will), follows every edge node's births, data and deaths through one
 * SparkplugHostSession (which refuses and counts what cannot be trusted, and asks for rebirths), writes set points
 * with DCMD, and counts a command as applied only when the device's own read-back — the set-point metrics in its
 * DDATA — shows the new values. No read-back within the timeout is a timeout: not known to be applied.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { rebirthRequest, setpointWrite } from './commands.js';
import {
  APPLIED,
  fieldOfSetpointMetric,
  LAST_COMMAND_ID_METRIC,
  LAST_COMMAND_MESSAGE_METRIC,
  LAST_COMMAND_RESULT_METRIC,
} from './metrics.js';
import { sendSmallPacketsAtOnce } from './mqtt-socket.js';
import { SparkplugHostSession, type DeviceReport, type HostSessionOptions } from './host-session.js';
import {
  DEFAULT_GROUP_ID,
  DEFAULT_HOST_ID,
  edgeNodeOfLine,
  NAMESPACE,
  parseTopic,
  statePayloadOf,
  stateTopic,
} from './topic.js';
import type { EnvelopeCheckedCommand } from '../scada/envelope.js';
import { GatewayUnavailableError, type GatewayOutcome, type ScadaGateway } from '../scada/gateway.js';
import { fieldsOf, type PresentValues, type SetPointField } from '../plant/set-point.js';

export interface SparkplugGatewayOptions {
  /** Broker URL, e.g. `mqtts://<namespace>.<region>-1.ts.eventgrid.azure.net:8883` or the embedded broker. */
  url: string;
  username?: string;
  password?: string;
  /** PEM client certificate and key (Event Grid's MQTT broker authenticates clients by certificate). */
  cert?: string;
  key?: string;
  clientId?: string;
  groupId?: string;
  hostId?: string;
  /** Epoch ms for DCMD timestamps and versions (plant time in the simulator). */
  clock?: () => number;
  session?: HostSessionOptions;
}

interface Waiter {
  commandId: string;
  correlationId: string;
  deviceId: string;
  expected: Partial<Record<SetPointField, number>>;
  previous: PresentValues;
  resolve: (o: GatewayOutcome) => void;
}

export interface SparkplugGatewayStats {
  /** Commands confirmed by read-back, refused by the edge node, and unanswered within their timeout. */
  confirmed: number;
  refusedByPlant: number;
  timedOut: number;
  rebirthsRequested: number;
  /** Plant messages refused by reason (shared/sparkplug/host-session.ts). */
  refusals: Record<string, number>;
  accepted: Record<string, number>;
}

/** Two reported values are the same set point (a Double round trip is exact; this only absorbs float noise). */
const sameValue = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

export class SparkplugScadaGateway implements ScadaGateway {
  readonly session: SparkplugHostSession;
  readonly #waiters = new Map<string, Waiter>();
  /** Newest reported value of every set point per device: the `previous` of an acknowledgement. */
  readonly #readback = new Map<string, Map<SetPointField, number>>();
  readonly #stats = { confirmed: 0, refusedByPlant: 0, timedOut: 0 };
  #closing = false;

  private constructor(
    private readonly client: MqttClient,
    private readonly o: Required<Pick<SparkplugGatewayOptions, 'groupId' | 'hostId' | 'url'>> & {
      clock: () => number;
      stateTimestamp: number;
    },
    session: HostSessionOptions | undefined,
  ) {
    this.session = new SparkplugHostSession(session);
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    // After a reconnect the broker has forgotten our subscriptions (clean session): subscribe and be born again.
    client.on('connect', (ack) => {
      if (!ack.sessionPresent && !this.#closing) void this.announce().catch(() => undefined);
    });
  }

  /** Connects as the Primary Host: will = offline STATE, subscriptions, then the online STATE birth. */
  static async connect(o: SparkplugGatewayOptions): Promise<SparkplugScadaGateway> {
    const groupId = o.groupId ?? DEFAULT_GROUP_ID;
    const hostId = o.hostId ?? DEFAULT_HOST_ID;
    // The birth's timestamp must equal the will's (§5.9): both are the time of this CONNECT.
    const stateTimestamp = Date.now();
    let client: MqttClient;
    try {
      client = await connectAsync(o.url, {
        protocolVersion: 4,
        clean: true,
        connectTimeout: 5000,
        reconnectPeriod: 1000,
        ...(o.clientId ? { clientId: o.clientId } : {}),
        ...(o.username ? { username: o.username } : {}),
        ...(o.password ? { password: o.password } : {}),
        ...(o.cert && o.key ? { cert: o.cert, key: o.key } : {}),
        will: {
          topic: stateTopic(hostId),
          payload: Buffer.from(JSON.stringify({ online: false, timestamp: stateTimestamp })),
          qos: 1,
          retain: true,
        },
      });
    } catch (e) {
      throw new GatewayUnavailableError(
        'SCADA_MQTT_URL',
        `cannot connect to ${o.url}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    sendSmallPacketsAtOnce(client);
    const gateway = new SparkplugScadaGateway(
      client,
      { groupId, hostId, url: o.url, clock: o.clock ?? Date.now, stateTimestamp },
      o.session,
    );
    await gateway.announce();
    return gateway;
  }

  private async announce(): Promise<void> {
    const filters = [stateTopic(this.o.hostId), `${NAMESPACE}/${this.o.groupId}/#`];
    try {
      await this.client.subscribeAsync(filters, { qos: 1 });
    } catch (e) {
      throw new GatewayUnavailableError(
        'SCADA_MQTT_USERNAME',
        `the broker refused the host's subscription to ${filters.join(', ')} (${e instanceof Error ? e.message : String(e)}); check the host's credentials and permissions`,
      );
    }
    await this.publishState(true);
  }

  private publishState(online: boolean): Promise<unknown> {
    return this.client.publishAsync(
      stateTopic(this.o.hostId),
      JSON.stringify({ online, timestamp: online ? this.o.stateTimestamp : Date.now() }),
      { qos: 1, retain: true },
    );
  }

  stats(): SparkplugGatewayStats {
    return {
      ...this.#stats,
      rebirthsRequested: this.session.rebirthsRequested,
      refusals: this.session.refusals(),
      accepted: { ...this.session.accepted },
    };
  }

  async send(command: EnvelopeCheckedCommand, attempt: number, timeoutMs: number): Promise<GatewayOutcome> {
    const correlationId = `${command.commandId}/${attempt}`;
    const expected: Partial<Record<SetPointField, number>> = {};
    for (const f of fieldsOf(command.setPoint)) expected[f] = command.setPoint[f]!;
    const known = this.#readback.get(command.equipmentId);
    const previous: PresentValues = {};
    for (const f of fieldsOf(command.setPoint)) if (known?.has(f)) previous[f] = known.get(f)!;
    const settled = new Promise<GatewayOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(command.commandId);
        this.#stats.timedOut++;
        resolve({ kind: 'timeout', correlationId });
      }, timeoutMs);
      this.#waiters.set(command.commandId, {
        commandId: command.commandId,
        correlationId,
        deviceId: command.equipmentId,
        expected,
        previous,
        resolve: (o) => {
          clearTimeout(timer);
          this.#waiters.delete(command.commandId);
          resolve(o);
        },
      });
    });
    const message = setpointWrite({
      groupId: this.o.groupId,
      edgeNodeId: edgeNodeOfLine(command.lineId),
      deviceId: command.equipmentId,
      commandId: command.commandId,
      // Fixed at the command's first approval and stored with it: later commands to a field carry later versions,
      // retries and a resumption after a crash the same one.
      version: command.version,
      setPoint: command.setPoint,
      nowMs: this.o.clock(),
    });
    try {
      // DCMD at QoS 0 (§6.4.12): the read-back, not the transport, says whether it was applied.
      await this.client.publishAsync(message.topic, Buffer.from(message.payload), { qos: 0 });
    } catch (e) {
      this.#waiters.get(command.commandId)?.resolve({ kind: 'timeout', correlationId });
      throw new GatewayUnavailableError(
        'SCADA_MQTT_URL',
        `publish to ${this.o.url} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return settled;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind === 'state') {
      this.onState(parsed.hostId, payload);
      return;
    }
    const result = this.session.handle(topic, payload, Date.now());
    if (result.rebirth) {
      const r = rebirthRequest(result.rebirth.groupId, result.rebirth.edgeNodeId, this.o.clock());
      this.client.publish(r.topic, Buffer.from(r.payload), { qos: 0 });
    }
    for (const e of result.events) if (e.kind === 'device') this.onDeviceReport(e.report);
  }

  /** Our own STATE said offline (a will of an earlier session, delivered late): say online again (§5.9). */
  private onState(hostId: string, payload: Buffer): void {
    if (hostId !== this.o.hostId || this.#closing) return;
    const state = statePayloadOf(payload);
    if (state && !state.online) void this.publishState(true).catch(() => undefined);
  }

  private onDeviceReport(report: DeviceReport): void {
    let known = this.#readback.get(report.deviceId);
    if (!known) this.#readback.set(report.deviceId, (known = new Map()));
    let lastId: string | undefined;
    let lastResult: string | undefined;
    let lastMessage = '';
    let atMs = 0;
    for (const m of report.metrics) {
      const field = fieldOfSetpointMetric(m.name);
      if (field && typeof m.value === 'number') {
        known.set(field, m.value);
        atMs = Math.max(atMs, m.timestampMs);
      } else if (m.name === LAST_COMMAND_ID_METRIC && typeof m.value === 'string') lastId = m.value;
      else if (m.name === LAST_COMMAND_RESULT_METRIC && typeof m.value === 'string') lastResult = m.value;
      else if (m.name === LAST_COMMAND_MESSAGE_METRIC && typeof m.value === 'string') lastMessage = m.value;
    }
    for (const w of [...this.#waiters.values()]) {
      if (w.deviceId !== report.deviceId) continue;
      if (lastId === w.commandId && lastResult !== undefined && lastResult !== APPLIED) {
        this.#stats.refusedByPlant++;
        w.resolve({ kind: 'refused', code: lastResult, message: lastMessage, correlationId: w.correlationId });
        continue;
      }
      const fields = Object.keys(w.expected) as SetPointField[];
      if (!fields.every((f) => known.has(f) && sameValue(known.get(f)!, w.expected[f]!))) continue;
      this.#stats.confirmed++;
      const applied: PresentValues = {};
      for (const f of fields) applied[f] = known.get(f)!;
      w.resolve({
        kind: 'acknowledged',
        ack: { correlationId: w.correlationId, appliedAtMs: atMs || Date.now(), applied, previous: w.previous },
      });
    }
  }

  /** Offline STATE first (§5.9: a clean disconnect publishes its death itself), then disconnects. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const w of [...this.#waiters.values()]) w.resolve({ kind: 'timeout', correlationId: w.correlationId });
    await this.publishState(false).catch(() => undefined);
    await this.client.endAsync();
  }
}
