/**
 * `npm run bench -- bridge [--seconds 20] [--lines 3] [--cells 100] [--points 50] [--window 400]`: the ingress bridge's
 * throughput (points per minute from the broker into the local hub, written to disk as the devhost's hub writes) and
 * the latency it adds (an edge node's publish → the hub accepted the points: p50/p95). Edge nodes publish DDATA of
 * `--points` metrics per device, as fast as the bridge takes them within an in-flight window per node; everything runs
 * in this one process, as in `npm start`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { startIngressBridge } from '../local/bridge/ingress-bridge.js';
import { LocalEventHubNamespace } from '../local/devhost/eventhub/local-hub.js';
import { DevhostEvents } from '../local/devhost/events.js';
import { startMqttBroker } from '../local/emulators/mqtt.js';
import { encodePayload, type MetricInput } from '../shared/sparkplug/codec.js';
import { deviceTopic, edgeNodeOfLine, nodeTopic } from '../shared/sparkplug/topic.js';

const TAGS = ['cellVoltage', 'bathTemp', 'anodeBeamPosition', 'metalHeight', 'bathHeight', 'shellTemp'];
const SETPOINTS = ['acdCm', 'feedIntervalS', 'alf3AdditionKgPerDay'];

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string' },
      lines: { type: 'string' },
      cells: { type: 'string' },
      points: { type: 'string' },
      window: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds ?? 20);
  const lines = Number(values.lines ?? 3);
  const cells = Number(values.cells ?? 100);
  const pointsPerMessage = Number(values.points ?? 50);
  const window = Number(values.window ?? 400);
  // The latency phase publishes at this rate (points/min), below the saturation the throughput phase measures.
  const ratePerMin = Number(values.rate ?? 1_000_000);
  const saturated = await measure({ seconds, lines, cells, pointsPerMessage, window, ratePerMin: undefined });
  const paced = await measure({ seconds, lines, cells, pointsPerMessage, window, ratePerMin });
  return {
    setup: `${lines} edge nodes × ${cells} devices, ${pointsPerMessage} points per DDATA, in-flight window ${window} per node, hub on local disk; one process, as in npm start`,
    throughput: { ...saturated, note: 'edge nodes publish as fast as the bridge takes them' },
    latency: { ...paced, note: `edge nodes publish at ${ratePerMin.toLocaleString('en')} points/min in total` },
  };
}

interface Phase {
  seconds: number;
  lines: number;
  cells: number;
  pointsPerMessage: number;
  window: number;
  ratePerMin: number | undefined;
}

async function measure(o: Phase): Promise<Record<string, unknown>> {
  const { seconds, lines, cells, pointsPerMessage, window } = o;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-bridge-'));
  const broker = await startMqttBroker();
  const namespace = new LocalEventHubNamespace(path.join(dir, 'hubs'), 4, new DevhostEvents());
  const hub = namespace.hub('telemetry');
  const latencies: number[] = [];
  const bridge = await startIngressBridge({
    brokerUrl: broker.url,
    ...broker.bridge(),
    stateDir: path.join(dir, 'bridge'),
    hub: {
      send: async (bodies) => {
        hub.send(bodies);
        const now = Date.now();
        for (const b of bodies) {
          const ts = /"ts":(\d+)/.exec(b.body)?.[1];
          if (ts) latencies.push(now - Number(ts));
        }
      },
    },
  });
  const loadBefore = os.loadavg();
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const nodes = await Promise.all(
    Array.from({ length: lines }, (_, l) =>
      publishAsEdgeNode(
        broker,
        `L${l + 1}`,
        cells,
        pointsPerMessage,
        window,
        deadline,
        o.ratePerMin === undefined ? undefined : o.ratePerMin / 60_000 / pointsPerMessage / lines,
      ),
    ),
  );
  const published = nodes.reduce((s, n) => s + n, 0);
  const wallPublishS = (Date.now() - started) / 1000;
  for (const until = Date.now() + 60_000; bridge.counters().ddataMessages < published && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 20));
  const wallS = (Date.now() - started) / 1000;
  const c = bridge.counters();
  await bridge.stop();
  await broker.stop();
  namespace.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = latencies.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    ddataPublished: published,
    ddataForwarded: c.ddataForwarded,
    pointsForwarded: c.pointsForwarded,
    pointsPerMin: Math.round((c.pointsForwarded / wallS) * 60),
    targetPointsPerMin: 1_000_000,
    publishWallS: Math.round(wallPublishS * 10) / 10,
    drainWallS: Math.round(wallS * 10) / 10,
    addedLatencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99), targetP95: 200 },
    refusals: Object.fromEntries(Object.entries(c.refusals).filter(([, v]) => v > 0)),
    loadAvgBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadAvgAfter: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** One line's edge node: births, then DDATA round-robin over its devices until the deadline; resolves with the count. */
async function publishAsEdgeNode(
  broker: Awaited<ReturnType<typeof startMqttBroker>>,
  lineId: string,
  cells: number,
  points: number,
  window: number,
  deadline: number,
  /** Messages per ms for this node; as fast as possible when undefined. */
  messagesPerMs: number | undefined,
): Promise<number> {
  const edgeNodeId = edgeNodeOfLine(lineId);
  const client: MqttClient = await connectAsync(broker.url, { ...broker.edge(edgeNodeId), clean: true });
  const devices = Array.from({ length: cells }, (_, i) => `${lineId}-C${String(i + 1).padStart(3, '0')}`);
  let seq = 0;
  const next = () => (seq = (seq + 1) % 256);
  const names = [...TAGS.map((t) => `Telemetry/${t}`), ...SETPOINTS.map((f) => `Setpoints/${f}`)];
  await client.publishAsync(
    nodeTopic('smelter', 'NBIRTH', edgeNodeId),
    Buffer.from(
      encodePayload({ timestamp: Date.now(), seq: 0, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 0 }] }),
    ),
    { qos: 1 },
  );
  for (const [d, deviceId] of devices.entries()) {
    const metrics: MetricInput[] = names.map((name, i) => ({
      name,
      alias: d * 100 + i + 1,
      datatype: 'Double',
      value: name.startsWith('Setpoints/') ? 3 : null,
      properties: { engUnit: 'u' },
    }));
    await client.publishAsync(
      deviceTopic('smelter', 'DBIRTH', edgeNodeId, deviceId),
      Buffer.from(encodePayload({ timestamp: Date.now(), seq: next(), metrics })),
      { qos: 1 },
    );
  }
  let sent = 0;
  let inFlight = 0;
  let sampleSeq = 0;
  let wake: (() => void) | undefined;
  const startedMs = Date.now();
  for (let i = 0; Date.now() < deadline; i++) {
    while (inFlight >= window) await new Promise<void>((r) => (wake = r));
    if (messagesPerMs !== undefined) {
      const dueMs = startedMs + i / messagesPerMs;
      if (dueMs > Date.now()) await new Promise((r) => setTimeout(r, dueMs - Date.now()));
    }
    const d = i % devices.length;
    const now = Date.now();
    sampleSeq++;
    const metrics: MetricInput[] = Array.from({ length: points }, (_, k) => ({
      alias: d * 100 + (k % TAGS.length) + 1,
      timestamp: now,
      datatype: 'Double',
      value: 4 + k / 1000,
      properties: { seq: sampleSeq * points + k },
    }));
    inFlight++;
    client.publish(
      deviceTopic('smelter', 'DDATA', edgeNodeId, devices[d]!),
      Buffer.from(encodePayload({ timestamp: now, seq: next(), metrics })),
      { qos: 1 },
      () => {
        inFlight--;
        wake?.();
        wake = undefined;
      },
    );
    sent++;
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  while (inFlight > 0) await new Promise<void>((r) => (wake = r));
  await client.endAsync();
  return sent;
}
