/**
 * An optimisation run survives its host. The real app runs in a devhost process, killed twice with SIGKILL (no clean
 * shutdown) and restarted on the same data: first while the run waits for its approval, then while its recording
 * activity is in flight (the lake emulator is frozen so the activity is caught mid-call). The run resumes from its
 * persisted history, takes the approval raised on the second host, re-runs the interrupted activity on the third
 * (at-least-once) and completes once: one run document, one set of events, each set point applied once by the PLC.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startAzurite, stopChild, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { startMqttBroker, type MqttBrokerHandle } from '../../local/emulators/mqtt.js';
import { startPlantEdgeNodes, type PlantEdgeNodes } from '../../local/plc/plant-edge-nodes.js';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import { seedPlantStores } from '../../local/simulator/seed-stores.js';
import { createPotline } from '../../local/simulator/index.js';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { CosmosRunStore } from '../../shared/azure/cosmos-orchestration-stores.js';
import { v1Path } from '../../shared/http/paths.js';
import { PlantEventType } from '../../shared/messaging/subscriptions.js';
import { Activity } from '../../shared/orchestration/names.js';
import { killHard, publishedEvents, spawnDevhost, type DevhostProcess } from './support.js';

const DB = 'optimization-restart';
let tmp: string;
let azurite: AzuriteHandle;
let cosmos: CosmosHandle;
let broker: MqttBrokerHandle;
let issuer: DevIssuer;
let plc: PlantEdgeNodes;
let env: Record<string, string>;
let engineer: string;
const devhosts: DevhostProcess[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'optimization-restart-'));
  [azurite, cosmos, broker, issuer] = await Promise.all([
    startAzurite(path.join(tmp, 'azurite')),
    startCosmos(),
    startMqttBroker(),
    startDevIssuer({ keyDir: path.join(tmp, 'keys') }),
  ]);
  const potline = createPotline({
    lines: 1,
    cellsPerLine: 12,
    seed: 9,
    startMs: Date.now() - 40_000,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  await seedPlantStores(client, DB, await cellStateDocs(potline));
  plc = await startPlantEdgeNodes({ broker: broker, potline, lineIds: ['L1'] });
  // The plant model of the simulated line: 12 cells of the base cell. The seeded readings stand still while the run
  // crosses two crashes (minutes on a busy machine), so this plant lets the envelope take them as fresh for 10 minutes.
  const plantFile = path.join(tmp, 'plant.json');
  const plant = testPlantWith({ L1: 12 });
  plant.areas[0]!.lines[0]!.envelope.staleDataMaxAgeMs = 600_000;
  writeFileSync(plantFile, JSON.stringify(plant));
  env = {
    ...issuer.settings,
    PLANT_MODEL_FILE: plantFile,
    AzureWebJobsStorage: azurite.connectionString,
    LakeConnection: azurite.connectionString,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: DB,
    SCADA_MQTT_URL: broker.url,
    SCADA_MQTT_USERNAME: broker.host().username,
    SCADA_MQTT_PASSWORD: broker.host().password,
    DURABLE_TASK_HUB: 'RestartTest',
    OPTIMIZATION_SCHEDULE: '0 0 0 1 1 *',
    CURATION_SCHEDULE: '0 0 0 1 1 *',
    // The devhost points the publisher at its own topic when this is empty.
    ServiceBusConnection: '',
  };
  engineer = await issuer.mint({ roles: ['Engineer'], sub: 'erin' });
}, 90_000);

afterAll(async () => {
  await Promise.all(devhosts.map((d) => stopChild(d.child)));
  await plc?.stop();
  await Promise.all([azurite?.stop(), cosmos?.stop(), broker?.stop(), issuer?.stop()]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function start(): Promise<DevhostProcess> {
  const d = await spawnDevhost(path.join(tmp, 'devhost'), env);
  devhosts.push(d);
  return d;
}

async function call(base: string, method: string, resource: string, body?: unknown) {
  const res = await fetch(`${base}${v1Path(resource)}`, {
    method,
    headers: {
      authorization: `Bearer ${engineer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('an optimisation run across a devhost crash', () => {
  it('resumes after SIGKILL during the approval wait and during an activity, and completes once: each activity once, one set of events', async () => {
    const first = await start();
    const started = await call(first.url, 'POST', 'optimizations', { lineId: 'L1', mode: 'advisory' });
    expect(started.status).toBe(202);
    const runId = started.json.runId as string;
    await waitFor(
      'the run to wait for approval',
      async () =>
        ((await call(first.url, 'GET', `optimizations/${runId}`)).json.progress as { step?: string } | null)?.step ===
        'awaiting-approval',
      60_000,
    );
    await killHard(first.child);

    const second = await start();
    const resumed = await call(second.url, 'GET', `optimizations/${runId}`);
    expect(resumed.json).toMatchObject({ runtimeStatus: 'Running', progress: { step: 'awaiting-approval' } });
    // Freeze the lake, approve: the recording activity starts and hangs on its first lake call; kill the host then.
    azurite.pause();
    expect(
      (
        await call(second.url, 'POST', `optimizations/${runId}/approval`, {
          decision: 'approve',
          reason: 'approved after the host restart',
        })
      ).status,
    ).toBe(202);
    const instance = async (base: string) =>
      (await (await fetch(`${base}/runtime/webhooks/durabletask/instances/${runId}?showHistory=true`)).json()) as {
        runtimeStatus: string;
        customStatus: { step?: string };
        history: { EventType: string; Name?: string }[];
      };
    await waitFor('the recording activity to be in flight', async () => {
      const s = await instance(second.url);
      return (
        s.customStatus.step === 'recording' &&
        s.history.some((e) => e.EventType === 'TaskScheduled' && e.Name === Activity.recordOptimizationRun)
      );
    });
    await killHard(second.child);
    azurite.resume();

    const third = await start();
    const done = await waitFor(
      'the run to complete on the third host',
      async () => {
        const r = await call(third.url, 'GET', `optimizations/${runId}`);
        return r.json.runtimeStatus === 'Completed' ? (r.json.result as Record<string, unknown>) : undefined;
      },
      60_000,
    );
    expect(done).toMatchObject({ runId, outcome: 'applied', approval: { decidedBy: 'erin' } });

    const status = await instance(third.url);
    expect(status.history.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
    const scheduled = (name: string) =>
      status.history.filter((e) => e.EventType === 'TaskScheduled' && e.Name === name).length;
    for (const name of [
      Activity.loadLineSnapshot,
      Activity.optimizeSetPoints,
      Activity.checkSetPointEnvelope,
      Activity.recordOptimizationRun,
      Activity.publishOptimizationEvents,
    ])
      expect(scheduled(name), name).toBe(1);
    expect(status.history.filter((e) => e.EventType === 'TaskCompleted')).toHaveLength(
      status.history.filter((e) => e.EventType === 'TaskScheduled').length,
    );

    const events = publishedEvents(path.join(tmp, 'devhost'));
    expect(events.filter((e) => e.type === PlantEventType.setpointRecommended)).toHaveLength(
      done.setPointEvents as number,
    );
    expect(events.filter((e) => e.type === PlantEventType.optimizationCompleted)).toHaveLength(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    await waitFor('the PLC to apply each set point', () => plc.counters().applied === done.setPointEvents, 60_000);
    expect(plc.counters()).toMatchObject({ received: done.setPointEvents, refused: 0 });

    const client = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    expect(await (await CosmosRunStore.create(client, DB, { createIfMissing: true })).get(runId)).toMatchObject({
      runId,
      outcome: 'applied',
    });
    expect(third.output()).not.toMatch(/Unhandled|TypeError|ReferenceError/);
  }, 180_000);
});
