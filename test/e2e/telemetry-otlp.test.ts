/**
 * The app's OpenTelemetry signals as a collector receives them: the real app in the devhost (Azurite, the
 * Cosmos-compatible server, the MQTT broker, the simulator as PLC) exports over OTLP/HTTP protobuf to a receiver that
 * decodes with OpenTelemetry's own generated classes. One trace must run from an Event Hub batch to its silver write,
 * and one from an optimisation run's start through its activities, the Service Bus message and the SCADA dispatch to
 * the PLC, with the correlation id on every span; the metrics must arrive under the catalogue's names and units.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { startDevhost, type DevhostHandle } from '../../local/devhost/devhost.js';
import type { CheckpointEvent } from '../../local/devhost/events.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { startPlantEdgeNodes, type PlantEdgeNodes } from '../../local/plc/plant-edge-nodes.js';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import { virtualClock } from '../../local/simulator/clock.js';
import { createPotline } from '../../local/simulator/index.js';
import { runSimulator } from '../../local/simulator/runner.js';
import { seedPlantStores } from '../../local/simulator/seed-stores.js';
import { memorySink } from '../../local/simulator/sinks/memory-sink.js';
import { flushTelemetry } from '../../shared/azure/telemetry-setup.js';
import { v1Path } from '../../shared/http/paths.js';
import { PLANT_EVENT_SUBSCRIPTIONS } from '../../shared/messaging/subscriptions.js';
import { METRICS, type MetricDefinition } from '../../shared/observability/metric-catalogue.js';
import { SPAN_ATTRIBUTES } from '../../shared/observability/tracing.js';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../local/otlp/otlp-receiver.js';
import { exampleSettings, repoRoot } from './support.js';

const DB = 'telemetry-otlp';
const CORRELATION_ID = 'otlp-run-1';
let tmp: string;
let receiver: OtlpReceiver;
let issuer: DevIssuer;
let cosmos: CosmosHandle;
let host: DevhostHandle;
let plc: PlantEdgeNodes;
const checkpoints: CheckpointEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'telemetry-otlp-'));
  [receiver, issuer, cosmos] = await Promise.all([
    startOtlpReceiver(),
    startDevIssuer({ keyDir: path.join(tmp, 'keys') }),
    startCosmos(),
  ]);
  const potline = createPotline({
    lines: 2,
    cellsPerLine: 12,
    seed: 5,
    startMs: Date.now() - 40_000,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  await seedPlantStores(
    new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    }),
    DB,
    await cellStateDocs(potline),
  );
  const { ServiceBusConnection: _devhostSetsIt, ...settings } = exampleSettings();
  // The plant model of the simulated potline: two 12-cell lines of the base cell.
  const plantFile = path.join(tmp, 'plant.json');
  // The seeded readings stand still while the traced run goes on: the plant lets them count as fresh for 10 minutes.
  const plant = testPlantWith({ L1: 12, L2: 12 });
  for (const line of plant.areas[0]!.lines) line.envelope.staleDataMaxAgeMs = 600_000;
  writeFileSync(plantFile, JSON.stringify(plant));
  host = await startDevhost({
    appEntry: 'functions/index.ts',
    appDir: repoRoot,
    dataDir: path.join(tmp, 'data'),
    httpPort: 0,
    startAzurite: true,
    startMqtt: true,
    logLevel: 'none',
    settings: {
      ...settings,
      ...issuer.settings,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_DATABASE: DB,
      DURABLE_TASK_HUB: 'TelemetryOtlp',
      PLANT_MODEL_FILE: plantFile,
      OPTIMIZATION_SCHEDULE: '0 0 0 1 1 *',
      CURATION_SCHEDULE: '0 0 0 1 1 *',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
  });
  host.events.on('checkpoint', (e) => checkpoints.push(e));
  plc = await startPlantEdgeNodes({ broker: host.mqtt!, potline, lineIds: ['L1', 'L2'] });
}, 90_000);

afterAll(async () => {
  await plc?.stop();
  await host?.stop();
  await Promise.all([issuer?.stop(), cosmos?.stop(), receiver?.stop()]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const byId = (spanId: string) => receiver.spans.find((s) => s.spanId === spanId);
/** The span and its ancestors, nearest first, as far as the receiver has them. */
function ancestry(span: ReceivedSpan): ReceivedSpan[] {
  const out = [span];
  for (let p = byId(span.parentSpanId); p; p = byId(p.parentSpanId)) out.push(p);
  return out;
}

describe('OpenTelemetry to an OTLP collector', () => {
  it('traces an Event Hub batch from the trigger to its silver write in one trace', async () => {
    const sink = memorySink();
    const startMs = Date.now() - 30_000;
    const sim = runSimulator({
      potline: createPotline({ lines: 1, cellsPerLine: 12, seed: 9, startMs }),
      sink,
      ratePerMin: 3000,
      durationS: 10,
      clock: virtualClock(startMs),
      faults: {},
    });
    await sim.done;
    const receipts = host.hub('telemetry').send(sink.events);
    const last = receipts.at(-1)!;
    await waitFor('the batch checkpointed', () =>
      checkpoints.some(
        (c) =>
          c.functionName === 'telemetryIngest' &&
          c.partitionId === last.partitionId &&
          c.sequenceNumber >= last.sequenceNumber,
      ),
    );
    await flushTelemetry();
    const write = await waitFor('an ingest lake write span', () =>
      receiver.spans.find(
        (s) => s.name === 'ingest write lake' && Number(s.attributes['smelter.lake.silver_files']) > 0,
      ),
    );
    const [, batch] = ancestry(write);
    expect(batch?.name).toBe('ingest batch');
    expect(batch!.traceId).toBe(write.traceId);
    expect(batch!.kind).toBe(5); // SPAN_KIND_CONSUMER
    expect(batch!.attributes[SPAN_ATTRIBUTES.partition]).toBe(write.attributes[SPAN_ATTRIBUTES.partition]);
    expect(Number(write.attributes['smelter.ingest.silver_rows'])).toBeGreaterThan(0);
    expect(receiver.refused).toEqual([]);
  });

  it('traces an optimisation run through its activities, the topic and the SCADA dispatch with its correlation id', async () => {
    const token = await issuer.mint({ roles: ['Manager'], sub: 'manager' });
    const res = await fetch(`${host.httpUrl}${v1Path('optimizations')}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-correlation-id': CORRELATION_ID,
      },
      body: JSON.stringify({ lineId: 'L1', mode: 'closed-loop' }),
    });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const done = await waitFor(
      'the run to finish',
      async () => {
        const r = await fetch(`${host.httpUrl}${v1Path(`optimizations/${runId}`)}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await r.json()) as { runtimeStatus?: string; result?: { outcome?: string } };
        return body.runtimeStatus === 'Completed' || body.runtimeStatus === 'Failed' ? body : undefined;
      },
      90_000,
    );
    expect(done.result?.outcome, JSON.stringify(done)).toBe('applied');
    await waitFor('the PLC to apply set points', () => plc.counters().applied > 0, 60_000);

    const command = await waitFor(
      'a SCADA command span whose gateway send reached the PLC',
      async () => {
        await flushTelemetry();
        return receiver.spans.find(
          (s) =>
            s.name === 'scada command' &&
            s.attributes['smelter.scada.state'] === 'acknowledged' &&
            s.attributes[SPAN_ATTRIBUTES.correlationId] === CORRELATION_ID,
        );
      },
      30_000,
    );
    const chain = ancestry(command);
    expect(chain.map((s) => s.name)).toEqual([
      'scada command',
      'scada dispatch',
      'activity publishOptimizationEvents',
      'start optimizationRun',
    ]);
    for (const s of chain) {
      expect(s.traceId, s.name).toBe(command.traceId);
      expect(s.attributes[SPAN_ATTRIBUTES.correlationId], s.name).toBe(CORRELATION_ID);
    }
    const [, dispatch, publish, start] = chain;
    expect(start!.attributes[SPAN_ATTRIBUTES.runId]).toBe(runId);
    expect(publish!.attributes[SPAN_ATTRIBUTES.runId]).toBe(runId);
    expect(dispatch!.attributes['cloudevents.event_type']).toBe('smelter.setpoint.recommended');
    // Every activity of the run sits in the same trace, under the start.
    const activities = receiver.spans.filter((s) => s.traceId === command.traceId && s.name.startsWith('activity '));
    expect(new Set(activities.map((a) => a.name))).toEqual(
      new Set([
        'activity loadLineSnapshot',
        'activity predictCells',
        'activity optimizeSetPoints',
        'activity checkSetPointEnvelope',
        'activity recordOptimizationRun',
        'activity publishOptimizationEvents',
      ]),
    );
    for (const a of activities) expect(a.parentSpanId, a.name).toBe(start!.spanId);
    const send = receiver.spans.find((s) => s.name === 'scada gateway send' && s.parentSpanId === command.spanId);
    expect(send?.traceId).toBe(command.traceId);
  }, 150_000);

  it('exports the metrics under the names and units of the catalogue', async () => {
    const expected = [
      METRICS.ingestPoints,
      METRICS.ingestLag,
      METRICS.runs,
      METRICS.runDuration,
      METRICS.dispatchLatency,
      METRICS.parkedWaiting,
      METRICS.deadLetters,
      METRICS.memoryRss,
      METRICS.memoryHeapUsed,
      METRICS.memoryExternal,
    ];
    await waitFor(
      'every expected metric exported',
      async () => {
        await flushTelemetry();
        return expected.every((m) => receiver.metrics.some((r) => r.name === m.name));
      },
      30_000,
    );
    const catalogue = new Map<string, MetricDefinition>(Object.values(METRICS).map((m) => [m.name, m]));
    const kinds = { counter: 'sum', histogram: 'histogram', gauge: 'gauge' } as const;
    for (const r of receiver.metrics.filter((m) => m.name.startsWith('smelter.'))) {
      const m = catalogue.get(r.name);
      expect(m, `${r.name} is in the catalogue`).toBeDefined();
      expect([r.unit, r.type], r.name).toEqual([m!.unit, kinds[m!.kind]]);
      for (const p of r.points) expect(Object.keys(p.attributes).sort(), r.name).toEqual([...m!.attributes].sort());
    }
    const latest = (name: string) => receiver.metrics.filter((m) => m.name === name).at(-1)!;
    expect(latest(METRICS.ingestPoints.name).points.find((p) => p.attributes.line === 'L1')?.value).toBeGreaterThan(0);
    expect(
      latest(METRICS.runs.name).points.find(
        (p) => p.attributes.kind === 'optimization' && p.attributes.outcome === 'applied',
      )?.value,
    ).toBe(1);
    expect(latest(METRICS.memoryRss.name).points[0]!.value).toBeGreaterThan(50 * 2 ** 20);
    expect(latest(METRICS.parkedWaiting.name).points[0]!.value).toBe(0);
    expect(new Set(latest(METRICS.deadLetters.name).points.map((p) => p.attributes.subscription))).toEqual(
      new Set(PLANT_EVENT_SUBSCRIPTIONS.map((sub) => sub.name)),
    );
    expect(receiver.refused).toEqual([]);
  });
});
