/**
 * What a Sparkplug host application knows about the edge nodes it hears (specification §5): births with their
 * aliases and datatypes, seq and bdSeq, who is online. Every message is judged here once; what cannot be trusted is
 * refused with a reason and counted, and the cases the specification answers with a rebirth (a seq gap, an unknown
 * alias, DATA before BIRTH, a birth we had to refuse) ask for one. Pure logic: the MQTT client is the caller's.
 */
import { decodePayload, SparkplugPayloadError, valueFits, type DataType, type Metric, type Scalar } from './codec.js';
import { BDSEQ_METRIC, fieldOfSetpointMetric, requiredSetpoints } from './metrics.js';
import { parseTopic } from './topic.js';

export const REFUSAL_REASONS = [
  'malformed-protobuf',
  'unsupported-datatype',
  'invalid-value',
  'unknown-topic',
  'unknown-alias',
  'unknown-metric',
  'wrong-datatype',
  'seq-gap',
  'data-before-birth',
  'birth-missing-setpoints',
  'birth-missing-bdseq',
  'stale-death',
  'flood',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A metric as its birth declared it, with the value and properties this message carries. */
export interface ResolvedMetric {
  name: string;
  datatype: DataType;
  value: Scalar | null;
  /** Epoch ms: the metric's own timestamp, else the payload's. */
  timestampMs: number;
  /** The birth's properties overlaid with this message's (a DATA may restate engUnit or Quality). */
  properties: Record<string, Scalar>;
}

export interface DeviceReport {
  groupId: string;
  edgeNodeId: string;
  deviceId: string;
  verb: 'DBIRTH' | 'DDATA';
  metrics: ResolvedMetric[];
}

export interface Refusal {
  reason: RefusalReason;
  topic: string;
  edgeNodeId?: string;
  deviceId?: string;
  detail: string;
}

export type HostEvent =
  | { kind: 'device'; report: DeviceReport }
  | { kind: 'device-death'; edgeNodeId: string; deviceId: string }
  | { kind: 'node-birth'; edgeNodeId: string; bdSeq: number }
  | { kind: 'node-death'; edgeNodeId: string; deviceIds: string[] };

export interface HandleResult {
  events: HostEvent[];
  refusals: Refusal[];
  /** Set when the edge node should be asked to rebirth (NCMD Node Control/Rebirth), and not asked too recently. */
  rebirth?: { groupId: string; edgeNodeId: string; reason: RefusalReason };
}

export interface HostSessionOptions {
  /** Messages per second one edge node may send on average before the excess is refused as a flood. */
  floodMessagesPerS?: number;
  /** Messages one edge node may send in a burst above the average. */
  floodBurst?: number;
  /** Least time between two rebirth requests to one edge node, ms (a broken node must not be asked in a loop). */
  rebirthIntervalMs?: number;
}

interface Declared {
  deviceId: string | undefined;
  name: string;
  datatype: DataType;
  properties: Record<string, Scalar>;
}

interface NodeState {
  groupId: string;
  online: boolean;
  bdSeq: number;
  lastSeq: number;
  /** The next seq is taken as it comes (births replayed from a store: what followed them is not known). */
  seqUnknown: boolean;
  byAlias: Map<number, Declared>;
  /** Per device (node metrics under ''): metric name → declaration. */
  byName: Map<string, Map<string, Declared>>;
  devicesOnline: Set<string>;
  tokens: number;
  tokensAtMs: number;
  rebirthAskedAtMs: number;
}

const NODE_KEY = '';

export class SparkplugHostSession {
  readonly #nodes = new Map<string, NodeState>();
  readonly #counts = new Map<RefusalReason, number>();
  readonly #options: Required<HostSessionOptions>;
  /** Messages read and accepted, by verb. */
  readonly accepted: Record<string, number> = {};
  rebirthsRequested = 0;

  constructor(options: HostSessionOptions = {}) {
    this.#options = {
      floodMessagesPerS: options.floodMessagesPerS ?? 2000,
      floodBurst: options.floodBurst ?? 4000,
      rebirthIntervalMs: options.rebirthIntervalMs ?? 5000,
    };
  }

  /** Refusals so far, by reason (every reason listed, zeros included). */
  refusals(): Record<RefusalReason, number> {
    return Object.fromEntries(REFUSAL_REASONS.map((r) => [r, this.#counts.get(r) ?? 0])) as Record<
      RefusalReason,
      number
    >;
  }

  /** Whether a device is online now (its node born, its DBIRTH accepted, no death since). */
  isDeviceOnline(edgeNodeId: string, deviceId: string): boolean {
    const node = this.#nodes.get(edgeNodeId);
    return !!node?.online && node.devicesOnline.has(deviceId);
  }

  /** Takes the next seq of an edge node as it comes: its births were replayed from a store, not heard live. */
  resumeAfterReplay(edgeNodeId: string): void {
    const node = this.#nodes.get(edgeNodeId);
    if (node) node.seqUnknown = true;
  }

  /** Reads one message of the namespace (STATE topics are the caller's); never throws for anything the plant sends. */
  handle(topicText: string, bytes: Uint8Array, nowMs: number): HandleResult {
    const out: HandleResult = { events: [], refusals: [] };
    const topic = parseTopic(topicText);
    if (!topic || topic.kind === 'state') {
      if (!topic) this.#refuse(out, { reason: 'unknown-topic', topic: topicText, detail: 'not a Sparkplug B topic' });
      return out;
    }
    const { edgeNodeId, groupId } = topic;
    const deviceId = topic.kind === 'device' ? topic.deviceId : undefined;
    const where = { topic: topicText, edgeNodeId, ...(deviceId ? { deviceId } : {}) };
    if (topic.verb === 'NCMD' || topic.verb === 'DCMD') return out; // commands are the host's own words
    let node = this.#nodes.get(edgeNodeId);
    if (node && !this.#takeToken(node, nowMs)) {
      this.#refuse(out, { ...where, reason: 'flood', detail: `over ${this.#options.floodMessagesPerS} messages/s` });
      return out;
    }
    let payload;
    try {
      payload = decodePayload(bytes);
    } catch (e) {
      const reason = e instanceof SparkplugPayloadError ? e.reason : 'malformed-protobuf';
      this.#refuse(out, { ...where, reason, detail: e instanceof Error ? e.message : String(e) });
      return out;
    }
    const tsMs = payload.timestamp ?? nowMs;

    if (topic.verb === 'NBIRTH') {
      const bdSeq = payload.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
      if (typeof bdSeq !== 'number') {
        this.#refuse(out, { ...where, reason: 'birth-missing-bdseq', detail: 'NBIRTH without a bdSeq metric' });
        return this.#askRebirth(out, node, groupId, edgeNodeId, 'birth-missing-bdseq', nowMs);
      }
      node = {
        groupId,
        online: true,
        bdSeq,
        lastSeq: payload.seq ?? 0,
        seqUnknown: false,
        byAlias: new Map(),
        byName: new Map(),
        devicesOnline: new Set(),
        tokens: node?.tokens ?? this.#options.floodBurst,
        tokensAtMs: node?.tokensAtMs ?? nowMs,
        rebirthAskedAtMs: node?.rebirthAskedAtMs ?? -Infinity,
      };
      this.#nodes.set(edgeNodeId, node);
      this.#declare(node, undefined, payload.metrics);
      this.#count('NBIRTH');
      out.events.push({ kind: 'node-birth', edgeNodeId, bdSeq });
      return out;
    }

    if (topic.verb === 'NDEATH') {
      const bdSeq = payload.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
      if (!node || !node.online || bdSeq !== node.bdSeq) {
        // A will registered by an earlier session (§5.8.2): this session's node is still alive.
        this.#refuse(out, {
          ...where,
          reason: 'stale-death',
          detail: `NDEATH bdSeq ${String(bdSeq)} does not match the current birth's ${node?.bdSeq ?? 'none'}`,
        });
        return out;
      }
      node.online = false;
      const deviceIds = [...node.devicesOnline];
      node.devicesOnline.clear();
      this.#count('NDEATH');
      out.events.push({ kind: 'node-death', edgeNodeId, deviceIds });
      return out;
    }

    if (!node || !node.online) {
      this.#refuse(out, { ...where, reason: 'data-before-birth', detail: `${topic.verb} before NBIRTH` });
      return this.#askRebirth(out, node, groupId, edgeNodeId, 'data-before-birth', nowMs);
    }
    const expected = (node.lastSeq + 1) % 256;
    if (node.seqUnknown && payload.seq !== undefined) {
      node.seqUnknown = false;
      node.lastSeq = payload.seq;
    } else if (payload.seq === undefined || payload.seq !== expected) {
      this.#refuse(out, {
        ...where,
        reason: 'seq-gap',
        detail: `seq ${payload.seq ?? 'missing'} where ${expected} was due`,
      });
      node.lastSeq = payload.seq ?? node.lastSeq;
      this.#askRebirth(out, node, groupId, edgeNodeId, 'seq-gap', nowMs);
    } else {
      node.lastSeq = payload.seq;
    }

    if (topic.verb === 'DBIRTH') {
      const names = new Set(payload.metrics.map((m) => m.name));
      const missing = requiredSetpoints(deviceId!).filter(
        (f) => !payload.metrics.some((m) => m.name !== undefined && fieldOfSetpointMetric(m.name) === f),
      );
      if (missing.length > 0 || names.has(undefined)) {
        node.devicesOnline.delete(deviceId!);
        this.#refuse(out, {
          ...where,
          reason: 'birth-missing-setpoints',
          detail:
            missing.length > 0
              ? `DBIRTH of ${deviceId} declares no ${missing.join(', ')} set point`
              : 'a DBIRTH metric has no name',
        });
        return this.#askRebirth(out, node, groupId, edgeNodeId, 'birth-missing-setpoints', nowMs);
      }
      this.#declare(node, deviceId, payload.metrics);
      node.devicesOnline.add(deviceId!);
      this.#count('DBIRTH');
      const metrics = this.#resolve(out, node, deviceId!, payload.metrics, tsMs, where);
      out.events.push({
        kind: 'device',
        report: { groupId, edgeNodeId, deviceId: deviceId!, verb: 'DBIRTH', metrics },
      });
      return out;
    }
    if (topic.verb === 'DDEATH') {
      node.devicesOnline.delete(deviceId!);
      this.#count('DDEATH');
      out.events.push({ kind: 'device-death', edgeNodeId, deviceId: deviceId! });
      return out;
    }
    if (topic.verb === 'NDATA') {
      this.#resolve(out, node, NODE_KEY, payload.metrics, tsMs, where);
      this.#count('NDATA');
      return out;
    }
    // DDATA
    if (!node.devicesOnline.has(deviceId!)) {
      this.#refuse(out, { ...where, reason: 'data-before-birth', detail: `DDATA of ${deviceId} before its DBIRTH` });
      return this.#askRebirth(out, node, groupId, edgeNodeId, 'data-before-birth', nowMs);
    }
    const metrics = this.#resolve(out, node, deviceId!, payload.metrics, tsMs, where);
    this.#count('DDATA');
    if (out.refusals.some((r) => r.reason === 'unknown-alias' || r.reason === 'unknown-metric'))
      this.#askRebirth(out, node, groupId, edgeNodeId, 'unknown-alias', nowMs);
    out.events.push({ kind: 'device', report: { groupId, edgeNodeId, deviceId: deviceId!, verb: 'DDATA', metrics } });
    return out;
  }

  #declare(node: NodeState, deviceId: string | undefined, metrics: readonly Metric[]): void {
    const key = deviceId ?? NODE_KEY;
    const byName = new Map<string, Declared>();
    for (const [alias, d] of node.byAlias) if (d.deviceId === deviceId) node.byAlias.delete(alias);
    for (const m of metrics) {
      if (m.name === undefined) continue;
      const d: Declared = { deviceId, name: m.name, datatype: m.datatype, properties: m.properties };
      byName.set(m.name, d);
      if (m.alias !== undefined) node.byAlias.set(m.alias, d);
    }
    node.byName.set(key, byName);
  }

  /** The metrics of a message as declared at birth; unknown or ill-typed ones are left out and refused. */
  #resolve(
    out: HandleResult,
    node: NodeState,
    key: string,
    metrics: readonly Metric[],
    tsMs: number,
    where: Pick<Refusal, 'topic' | 'edgeNodeId' | 'deviceId'>,
  ): ResolvedMetric[] {
    const declared = node.byName.get(key);
    const resolved: ResolvedMetric[] = [];
    for (const m of metrics) {
      const d =
        m.name !== undefined ? declared?.get(m.name) : m.alias !== undefined ? node.byAlias.get(m.alias) : undefined;
      if (!d || (d.deviceId ?? NODE_KEY) !== key) {
        this.#refuse(out, {
          ...where,
          reason: m.name !== undefined ? 'unknown-metric' : 'unknown-alias',
          detail:
            m.name !== undefined ? `metric ${m.name} was not in the birth` : `alias ${m.alias} was not in the birth`,
        });
        continue;
      }
      if (m.datatype !== d.datatype || !valueFits(d.datatype, m.value)) {
        this.#refuse(out, {
          ...where,
          reason: 'wrong-datatype',
          detail: `${d.name} is ${d.datatype} by its birth; this message has ${m.datatype} ${JSON.stringify(m.value)}`,
        });
        continue;
      }
      resolved.push({
        name: d.name,
        datatype: d.datatype,
        value: m.value,
        timestampMs: m.timestamp ?? tsMs,
        properties: { ...d.properties, ...m.properties },
      });
    }
    return resolved;
  }

  #takeToken(node: NodeState, nowMs: number): boolean {
    const { floodMessagesPerS, floodBurst } = this.#options;
    node.tokens = Math.min(floodBurst, node.tokens + ((nowMs - node.tokensAtMs) / 1000) * floodMessagesPerS);
    node.tokensAtMs = nowMs;
    if (node.tokens < 1) return false;
    node.tokens -= 1;
    return true;
  }

  #askRebirth(
    out: HandleResult,
    node: NodeState | undefined,
    groupId: string,
    edgeNodeId: string,
    reason: RefusalReason,
    nowMs: number,
  ): HandleResult {
    const state =
      node ??
      (() => {
        const fresh: NodeState = {
          groupId,
          online: false,
          bdSeq: -1,
          lastSeq: 0,
          seqUnknown: false,
          byAlias: new Map(),
          byName: new Map(),
          devicesOnline: new Set(),
          tokens: this.#options.floodBurst,
          tokensAtMs: nowMs,
          rebirthAskedAtMs: -Infinity,
        };
        this.#nodes.set(edgeNodeId, fresh);
        return fresh;
      })();
    if (nowMs - state.rebirthAskedAtMs < this.#options.rebirthIntervalMs) return out;
    state.rebirthAskedAtMs = nowMs;
    this.rebirthsRequested++;
    out.rebirth = { groupId, edgeNodeId, reason };
    return out;
  }

  #refuse(out: HandleResult, r: Refusal): void {
    this.#counts.set(r.reason, (this.#counts.get(r.reason) ?? 0) + 1);
    out.refusals.push(r);
  }

  #count(verb: string): void {
    this.accepted[verb] = (this.accepted[verb] ?? 0) + 1;
  }
}
