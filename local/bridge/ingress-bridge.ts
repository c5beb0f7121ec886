/**
 * MQTT → Event Hubs ingress, as a plant runs it: subscribes to the plant broker with its own read-only credentials
 * and a persistent session, decodes each edge node's DDATA (with the aliases its births declared) into telemetry
 * points, and forwards them to the telemetry hub (partition key = cellId). A message is acknowledged to the broker
 * only after the hub accepted it, so a bridge that dies loses nothing: the broker redelivers what was not acknowledged
 * (at least once; ingest drops the duplicates by sensor and seq). A payload it cannot decode is forwarded as it came,
 * so ingest quarantines it with a reason instead of it vanishing here.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { z } from 'zod';
import {
  SparkplugHostSession,
  type HostSessionOptions,
  type RefusalReason,
} from '../../shared/sparkplug/host-session.js';
import { pointsOfReport } from '../../shared/sparkplug/telemetry-points.js';
import { DEFAULT_GROUP_ID, NAMESPACE, parseTopic } from '../../shared/sparkplug/topic.js';
import type { EventBody, TelemetrySink } from '../simulator/index.js';

export interface IngressBridgeOptions {
  brokerUrl: string;
  username: string;
  password: string;
  /** Where the hub is: resolves once the hub accepted the bodies. */
  hub: TelemetrySink;
  groupId?: string;
  /** MQTT client id: fixed, so the broker keeps the session (and what was not acknowledged) across restarts. */
  clientId?: string;
  /** Directory for the births it has seen, so a restarted bridge decodes the data queued for it. */
  stateDir?: string;
  session?: HostSessionOptions;
  /** Epoch ms now (latency and flood accounting). */
  clock?: () => number;
}

export interface BridgeCounters {
  messages: number;
  /** DDATA messages read, forwarded or not. */
  ddataMessages: number;
  ddataForwarded: number;
  pointsForwarded: number;
  /** Undecodable payloads forwarded as they came, for ingest to quarantine. */
  undecodableForwarded: number;
  hubRetries: number;
  refusals: Record<RefusalReason, number>;
}

export interface IngressBridgeHandle {
  counters(): BridgeCounters;
  /** Added latency per forwarded message: broker delivery → hub accepted, ms (the newest 10,000). */
  latenciesMs(): readonly number[];
  stop(): Promise<void>;
  /** A crash: the connection drops with messages unacknowledged. */
  kill(): void;
}

/** One line of the births log: the newest NBIRTH or DBIRTH of a node or device, as it came. */
const BirthLine = z.object({ topic: z.string(), payload: z.string() });

const HUB_RETRY_MS = 200;

export async function startIngressBridge(o: IngressBridgeOptions): Promise<IngressBridgeHandle> {
  const groupId = o.groupId ?? DEFAULT_GROUP_ID;
  const clock = o.clock ?? Date.now;
  // The bridge reads everything an edge node sends; it is no safety check, so floods are the host's to refuse.
  const session = new SparkplugHostSession({ floodMessagesPerS: 1e9, floodBurst: 1e9, ...o.session });
  // Births go to an append-only log (one line each, newest wins), so keeping them costs one small write, not a
  // rewrite of every device's birth per DBIRTH; it is compacted at start.
  const birthsFile = o.stateDir ? path.join(o.stateDir, 'births.jsonl') : undefined;
  const latestBirths = new Map<string, string>();
  if (birthsFile && existsSync(birthsFile)) {
    for (const line of readFileSync(birthsFile, 'utf8').split('\n')) {
      const parsed = line ? BirthLine.safeParse(JSON.parse(line)) : undefined;
      if (!parsed?.success) continue;
      const t = parseTopic(parsed.data.topic);
      // A node's birth starts its devices over: what was born before it no longer holds.
      if (t?.kind === 'node')
        for (const topic of latestBirths.keys())
          if (parseTopic(topic)?.kind === 'device' && topic.includes(`/${t.edgeNodeId}/`)) latestBirths.delete(topic);
      latestBirths.set(parsed.data.topic, parsed.data.payload);
    }
    const nodes = new Set<string>();
    const nowMs = clock();
    for (const [topic, payload] of latestBirths) {
      const t = parseTopic(topic);
      if (t?.kind === 'device') session.resumeAfterReplay(t.edgeNodeId);
      session.handle(topic, Buffer.from(payload, 'base64'), nowMs);
      if (t && t.kind !== 'state') nodes.add(t.edgeNodeId);
    }
    for (const n of nodes) session.resumeAfterReplay(n);
    writeFileSync(
      `${birthsFile}.tmp`,
      [...latestBirths].map(([topic, payload]) => `${JSON.stringify({ topic, payload })}\n`).join(''),
    );
    renameSync(`${birthsFile}.tmp`, birthsFile);
  }
  if (birthsFile) mkdirSync(path.dirname(birthsFile), { recursive: true });
  const keepBirth = (topic: string, payload: Buffer) => {
    if (birthsFile) appendFileSync(birthsFile, `${JSON.stringify({ topic, payload: payload.toString('base64') })}\n`);
  };
  const counters = {
    messages: 0,
    ddataMessages: 0,
    ddataForwarded: 0,
    pointsForwarded: 0,
    undecodableForwarded: 0,
    hubRetries: 0,
  };
  const latencies: number[] = [];
  let stopped = false;

  const forward = async (bodies: EventBody[]) => {
    for (;;) {
      try {
        await o.hub.send(bodies);
        return;
      } catch (e) {
        if (stopped) throw e;
        counters.hubRetries++;
        await new Promise((r) => setTimeout(r, HUB_RETRY_MS));
      }
    }
  };

  /** Reads one message; resolves once what it carries is in the hub (or needs no forwarding). */
  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const receivedMs = clock();
    counters.messages++;
    const t = parseTopic(topic);
    const result = session.handle(topic, payload, receivedMs);
    if ((t?.kind === 'node' && t.verb === 'NBIRTH') || (t?.kind === 'device' && t.verb === 'DBIRTH'))
      if (result.refusals.length === 0) keepBirth(topic, payload);
    if (t?.kind !== 'device' || t.verb !== 'DDATA') return;
    counters.ddataMessages++;
    const bodies: EventBody[] = [];
    for (const e of result.events) {
      if (e.kind !== 'device') continue;
      const points = pointsOfReport(e.report);
      if (points.length > 0) bodies.push({ body: JSON.stringify(points), partitionKey: e.report.deviceId });
      counters.pointsForwarded += points.length;
    }
    if (result.refusals.some((r) => r.reason === 'malformed-protobuf' || r.reason === 'invalid-value')) {
      // Not a telemetry document: ingest quarantines it (MALFORMED_JSON) with the bytes, so nothing vanishes here.
      bodies.push({ body: `sparkplug-undecodable ${topic} ${payload.toString('base64')}`, partitionKey: t.deviceId });
      counters.undecodableForwarded++;
    }
    if (bodies.length === 0) return;
    await forward(bodies);
    counters.ddataForwarded++;
    latencies.push(clock() - receivedMs);
    if (latencies.length > 10_000) latencies.shift();
  };

  const options: IClientOptions = {
    protocolVersion: 4,
    // A persistent session: while the bridge is away the broker keeps its QoS 1 messages for it.
    clean: false,
    clientId: o.clientId ?? 'ingress-bridge',
    username: o.username,
    password: o.password,
    reconnectPeriod: 1000,
  };
  const client: MqttClient = connect(o.brokerUrl, options);
  // mqtt.js sends the PUBACK of a QoS 1 message when handleMessage calls back, one message at a time: so the
  // acknowledgement follows the hub's. A message the bridge could not hand on is never acknowledged (redelivered).
  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    handle(packet.topic, Buffer.from(packet.payload)).then(
      () => callback(),
      () => undefined,
    );
  };
  // Resolves on the CONNACK itself: with a session present, queued messages follow it at once and hold the 'connect'
  // event back until they are handed on, which may wait on the hub.
  const sessionPresent = await new Promise<boolean>((resolve, reject) => {
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'connack' && (packet.returnCode ?? 0) === 0) resolve(packet.sessionPresent);
    });
    client.once('error', (e) => {
      client.end(true);
      reject(e);
    });
  });
  const filter = `${NAMESPACE}/${groupId}/#`;
  if (sessionPresent) {
    // The broker kept the subscription; its SUBACK would queue behind the redelivered messages, so it is not awaited.
    client.subscribe(filter, { qos: 1 });
  } else {
    await client.subscribeAsync(filter, { qos: 1 }).catch((e: unknown) => {
      client.end(true);
      throw new Error(
        `the broker refused the bridge's subscription to ${filter} (${e instanceof Error ? e.message : String(e)}): check its credentials`,
      );
    });
  }

  return {
    counters: () => ({ ...counters, refusals: session.refusals() }),
    latenciesMs: () => [...latencies],
    stop: async () => {
      stopped = true;
      await client.endAsync();
    },
    kill: () => {
      stopped = true;
      client.stream.destroy();
      client.end(true);
    },
  };
}
