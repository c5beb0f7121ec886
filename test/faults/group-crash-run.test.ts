/**
 * An optimisation run survives the death of the whole local runtime: the devhost, Azurite and the durable Cosmos
 * server are killed together (SIGKILL) after one of the run's activities has stored its result in the lake and the
 * devhost has recorded it in the run's history, then everything is started again on the same data. Before Azurite
 * journalled its metadata, the lake lost the blob the history said was written and every such run failed with
 * ERR-RUN-LAKE-MISSING; now the run resumes from its history, completes once, and each set point reaches the PLC once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { startMqttBroker, type MqttBrokerHandle } from '../../local/emulators/mqtt.js';
import { startPlantEdgeNodes, type PlantEdgeNodes } from '../../local/plc/plant-edge-nodes.js';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import { createPotline } from '../../local/simulator/index.js';
import { seedPlantStores } from '../../local/simulator/seed-stores.js';
import type { CellStateDoc } from '../../shared/telemetry/hot-state.js';
import { v1Path } from '../../shared/http/paths.js';
import { PlantEventType } from '../../shared/messaging/subscriptions.js';
import { Activity } from '../../shared/orchestration/names.js';
import { killHard, publishedEvents, repoRoot, spawnDevhost, type DevhostProcess } from '../e2e/support.js';

let tmp: string;
let broker: MqttBrokerHandle;
let issuer: DevIssuer;
let plc: PlantEdgeNodes;
let manager: string;
let plantDocs: CellStateDoc[];
let plantDocsAtMs: number;
let running: Group | undefined;
let plantFile: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'group-crash-'));
  [broker, issuer] = await Promise.all([startMqttBroker(), startDevIssuer({ keyDir: path.join(tmp, 'keys') })]);
  const potline = createPotline({
    lines: 1,
    cellsPerLine: 12,
    seed: 9,
    startMs: Date.now() - 40_000,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  plc = await startPlantEdgeNodes({ broker, potline, lineIds: ['L1'] });
  manager = await issuer.mint({ roles: ['Manager'], sub: 'mona' });
  // The simulated cells are the 126 kA base cell of the test plant. No telemetry streams here, so the plant's reports
  // are as old as the test's last seeding: its copy of the plant accepts reports up to ten minutes old.
  plantFile = path.join(tmp, 'test-plant.json');
  const plant = readFileSync(path.join(repoRoot, 'plants', 'test-plant.json'), 'utf8');
  writeFileSync(plantFile, plant.replaceAll('"staleDataMaxAgeMs": 60000', '"staleDataMaxAgeMs": 600000'));
  plantDocsAtMs = Date.now();
  plantDocs = await cellStateDocs(potline);
}, 120_000);

afterEach(async () => {
  if (running) await killGroup(running);
  running = undefined;
});

afterAll(async () => {
  await plc?.stop();
  await Promise.all([broker?.stop(), issuer?.stop()]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const cosmosClientOf = (c: CosmosHandle) =>
  new CosmosClient({ endpoint: c.endpoint, key: c.key, connectionPolicy: { enableEndpointDiscovery: false } });

interface Group {
  azurite: AzuriteHandle;
  cosmos: CosmosHandle;
  devhost: DevhostProcess;
}

/** The plant's latest values and read-back as ingestion would have left them just now (the envelope needs them fresh). */
async function seedFresh(cosmos: CosmosHandle, database: string): Promise<void> {
  const shift = Date.now() - plantDocsAtMs;
  const docs = plantDocs.map((d) => ({
    ...d,
    updatedAtMs: d.updatedAtMs + shift,
    tags: Object.fromEntries(Object.entries(d.tags).map(([tag, v]) => [tag, { ...v, ts: v.ts + shift }])),
  }));
  await seedPlantStores(cosmosClientOf(cosmos), database, docs);
}

const settings = (azurite: AzuriteHandle, cosmos: CosmosHandle, database: string) => ({
  ...issuer.settings,
  AzureWebJobsStorage: azurite.connectionString,
  LakeConnection: azurite.connectionString,
  COSMOS_ENDPOINT: cosmos.endpoint,
  COSMOS_KEY: cosmos.key,
  COSMOS_DATABASE: database,
  SCADA_MQTT_URL: broker.url,
  SCADA_MQTT_USERNAME: broker.host().username,
  SCADA_MQTT_PASSWORD: broker.host().password,
  DURABLE_TASK_HUB: 'GroupCrash',
  PLANT_MODEL_FILE: plantFile,
  OPTIMIZATION_SCHEDULE: '0 0 0 1 1 *',
  CURATION_SCHEDULE: '0 0 0 1 1 *',
  ServiceBusConnection: '',
});

/** The runtime `npm start` runs, on the same data directories each time; each case has its own database. */
async function startGroup(database: string): Promise<Group> {
  const [azurite, cosmos] = await Promise.all([
    startAzurite(path.join(tmp, 'data', 'azurite')),
    startCosmos({ dataDir: path.join(tmp, 'data') }),
  ]);
  // Telemetry would keep the plant's values fresh across the restart; without a stream the test writes them.
  await seedFresh(cosmos, database);
  const devhost = await spawnDevhost(path.join(tmp, 'data'), settings(azurite, cosmos, database)).catch(
    async (e: unknown) => {
      await Promise.all([azurite.kill(), cosmos.kill()]);
      throw e;
    },
  );
  running = { azurite, cosmos, devhost };
  return running;
}

/** Kills every process of the group at once, as a power cut or `kill -9` of the process group would. */
async function killGroup(g: Group): Promise<void> {
  await Promise.all([killHard(g.devhost.child), g.azurite.kill(), g.cosmos.kill()]);
  running = undefined;
}

async function call(base: string, method: string, resource: string, body?: unknown) {
  const res = await fetch(`${base}${v1Path(resource)}`, {
    method,
    headers: {
      authorization: `Bearer ${manager}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface InstanceStatus {
  runtimeStatus: string;
  history: { EventType: string; Name?: string; TaskScheduledId?: number; EventId?: number }[];
}

/** The run's Durable status with its history, read with the devhost's own key for the webhook. */
const instance = async (devhost: DevhostProcess, runId: string) =>
  (await (
    await fetch(`${devhost.url}/runtime/webhooks/durabletask/instances/${runId}?showHistory=true`, {
      headers: { 'x-functions-key': devhost.keys.systemKey('durabletask_extension') },
    })
  ).json()) as InstanceStatus;

/** True once the history records `activity` as completed (its result stored, the history fsynced). */
function completed(status: InstanceStatus, activity: string): boolean {
  const scheduled = status.history.filter((e) => e.EventType === 'TaskScheduled' && e.Name === activity);
  return scheduled.some((s) =>
    status.history.some((e) => e.EventType === 'TaskCompleted' && e.TaskScheduledId === s.EventId),
  );
}

describe('an optimisation run across a crash of the whole local runtime', () => {
  it.each([Activity.loadLineSnapshot, Activity.optimizeSetPoints])(
    'completes once when devhost, Azurite and Cosmos die together just after %s stored its result',
    async (activity) => {
      const database = `group-crash-${activity.toLowerCase()}`;
      const first = await startGroup(database);
      const before = plc.counters();
      const started = await call(first.devhost.url, 'POST', 'optimizations', { lineId: 'L1', mode: 'closed-loop' });
      expect(started.status).toBe(202);
      const runId = started.json.runId as string;
      // The moment: the activity's result is in the lake and in the history. Freezing Azurite holds the run there
      // (its next lake call hangs) until the kill; unfrozen, the blobs acknowledged just before were lost.
      await waitFor(
        `${activity} to complete`,
        async () => completed(await instance(first.devhost, runId), activity),
        60_000,
      );
      first.azurite.pause();
      await killGroup(first);

      const second = await startGroup(database);
      const done = await waitFor(
        'the run to complete after the restart',
        async () => {
          const r = await call(second.devhost.url, 'GET', `optimizations/${runId}`);
          if (r.json.runtimeStatus === 'Failed') throw new Error(`the run failed: ${JSON.stringify(r.json)}`);
          return r.json.runtimeStatus === 'Completed' ? (r.json.result as Record<string, unknown>) : undefined;
        },
        90_000,
      );
      expect(done, JSON.stringify(done)).toMatchObject({ runId, outcome: 'applied' });
      const status = await instance(second.devhost, runId);
      expect(status.history.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
      expect(status.history.filter((e) => e.EventType === 'TaskFailed')).toEqual([]);

      const recommended = publishedEvents(path.join(tmp, 'data')).filter(
        (e) =>
          e.type === PlantEventType.setpointRecommended &&
          (e.data as { recommendationId?: string }).recommendationId?.startsWith(runId),
      );
      expect(recommended).toHaveLength(done.setPointEvents as number);
      await waitFor(
        'the PLC to apply each set point once',
        () => plc.counters().applied - before.applied === done.setPointEvents,
        60_000,
      );
      expect(plc.counters().received - before.received).toBe(done.setPointEvents);
    },
    300_000,
  );
});
