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
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunRecorder } from '../../local/console/run-recorder.js';
import { readRunFromLake } from '../../local/console/score-run.js';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { startMqttBroker, type MqttBrokerHandle } from '../../local/emulators/mqtt.js';
import { startPlantEdgeNodes, type PlantEdgeNodes } from '../../local/plc/plant-edge-nodes.js';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import {
  createPotline,
  memorySink,
  runSimulator,
  virtualClock,
  type AppliedSetPoint,
  type Potline,
} from '../../local/simulator/index.js';
import { createRng } from '../../local/simulator/prng.js';
import { scoreCleansing } from '../../local/score/cleansing-score.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { findLedgerGaps } from '../../shared/ledger/verify-gaps.js';
import { verifyLocalLedger } from '../../shared/ledger/verify-ledger.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { seedPlantStores } from '../../local/simulator/seed-stores.js';
import type { CellStateDoc } from '../../shared/telemetry/hot-state.js';
import { v1Path } from '../../shared/http/paths.js';
import { PlantEventType } from '../../shared/messaging/subscriptions.js';
import { READBACK_TAG } from '../../shared/scada/readback.js';
import { Activity } from '../../shared/orchestration/names.js';
import { killHard, publishedEvents, repoRoot, sendToHub, spawnDevhost, type DevhostProcess } from '../e2e/support.js';

let tmp: string;
let broker: MqttBrokerHandle;
let issuer: DevIssuer;
let plc: PlantEdgeNodes;
let manager: string;
let plantDocs: CellStateDoc[];
let plantDocsAtMs: number;
let running: Group | undefined;
let plantFile: string;
let potline: Potline;
/** Every set point the PLCs applied, in order; and what to do at the next one (a fault test's seeded moment). */
const appliedLog: AppliedSetPoint[] = [];
let onApplied: ((a: AppliedSetPoint) => void) | undefined;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'group-crash-'));
  [broker, issuer] = await Promise.all([startMqttBroker(), startDevIssuer({ keyDir: path.join(tmp, 'keys') })]);
  potline = createPotline({
    lines: 1,
    cellsPerLine: 12,
    seed: 9,
    startMs: Date.now() - 40_000,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  plc = await startPlantEdgeNodes({
    broker,
    potline,
    lineIds: ['L1'],
    options: {
      onApplied: (a) => {
        appliedLog.push(a);
        onApplied?.(a);
      },
    },
  });
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

/**
 * The plant's latest values and read-back as ingestion would have left them just now (the envelope needs them fresh):
 * the read-back reports the set points the PLCs hold now, those applied before a crash included.
 */
async function seedFresh(cosmos: CosmosHandle, database: string): Promise<void> {
  const shift = Date.now() - plantDocsAtMs;
  const docs = plantDocs.map((d) => {
    const tags = Object.fromEntries(Object.entries(d.tags).map(([tag, v]) => [tag, { ...v, ts: v.ts + shift }]));
    const cell = potline.cell(d.cellId);
    if (cell) {
      const held = {
        [READBACK_TAG.acdCm]: cell.acdTargetCm,
        [READBACK_TAG.feedIntervalS]: cell.feedIntervalS,
        [READBACK_TAG.alf3AdditionKgPerDay]: cell.alf3AdditionKgPerDay,
      };
      for (const [tag, value] of Object.entries(held)) if (tags[tag]) tags[tag] = { ...tags[tag], value };
    }
    return { ...d, updatedAtMs: d.updatedAtMs + shift, tags };
  });
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

/**
 * Each case's data directories (lake, Cosmos, the devhost's topic journal and Durable store): shared by the lives of
 * one case, never across cases, so a message an earlier case left unsettled is not redelivered into a later one.
 */
const dataDirOf = (database: string) => path.join(tmp, database);

/** The runtime `npm start` runs, on the same data directories each time within a case; each case has its own. */
async function startGroup(database: string): Promise<Group> {
  const [azurite, cosmos] = await Promise.all([
    startAzurite(path.join(dataDirOf(database), 'azurite')),
    startCosmos({ dataDir: dataDirOf(database) }),
  ]);
  // Telemetry would keep the plant's values fresh across the restart; without a stream the test writes them.
  await seedFresh(cosmos, database);
  const devhost = await spawnDevhost(dataDirOf(database), settings(azurite, cosmos, database)).catch(
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

      const recommended = publishedEvents(dataDirOf(database)).filter(
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
      // Sent once each, too: a command dispatched before the kill is confirmed by the read-back, not sent again.
      const dispatches = publishedEvents(dataDirOf(database))
        .filter(
          (e) =>
            e.type === 'smelter.command.dispatched' &&
            (e.data as { recommendationId?: string }).recommendationId?.startsWith(runId),
        )
        .map((e) => `${(e.data as { equipmentId: string }).equipmentId}#${(e.data as { attempts: number }).attempts}`);
      const why = JSON.stringify({ dispatches, refused: plc.counters().nodes.map((n) => n.commandsRefused) });
      expect(plc.counters().received - before.received, why).toBe(done.setPointEvents);
    },
    300_000,
  );
});

type Target = 'devhost' | 'azurite' | 'cosmos' | 'group';
const MANUAL_CELL = 'L1-C003';

/** Seeded telemetry of line L2 for one case, on a day of its own so cases never read each other's silver. */
async function telemetryOfL2(seed: number, startMs: number) {
  const sink = memorySink();
  const potline = createPotline({ lines: 2, cellsPerLine: 6, seed, startMs });
  await runSimulator({
    potline,
    sink,
    ratePerMin: 3000,
    durationS: 60,
    clock: virtualClock(startMs),
    faults: { duplicate: 0.02, malformed_json: 0.01 },
  }).done;
  const events = sink.events.filter((e) => e.partitionKey.startsWith('L2-'));
  const recorder = new RunRecorder();
  recorder.noteSent(events);
  return { events, recorder };
}

async function topicStats(devhost: DevhostProcess) {
  const res = await fetch(`${devhost.url}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}`, {
    headers: { 'x-functions-key': devhost.keys.systemKey('servicebus') },
  });
  return ((await res.json()) as { subscriptions: { subscription: string; active: number; deadLettered: number }[] })
    .subscriptions;
}

/** Kills `target` (SIGKILL, no warning) while the group runs; synchronous up to the signal, so it can land mid-call. */
function killNow(g: Group, target: Target): Promise<unknown> {
  if (target === 'devhost') return killHard(g.devhost.child);
  if (target === 'azurite') return g.azurite.kill();
  if (target === 'cosmos') return g.cosmos.kill();
  return killGroup(g);
}

/** Starts what was killed again, as `npm start`'s supervision does: emulators on their ports, the devhost on its data. */
async function restart(g: Group, target: Target, database: string): Promise<Group> {
  if (target === 'group') return startGroup(database);
  if (target === 'azurite')
    g.azurite = await startAzurite(path.join(dataDirOf(database), 'azurite'), { ports: g.azurite.ports });
  if (target === 'cosmos') g.cosmos = await startCosmos({ dataDir: dataDirOf(database), port: g.cosmos.port });
  if (target === 'devhost')
    g.devhost = await spawnDevhost(dataDirOf(database), settings(g.azurite, g.cosmos, database));
  running = g;
  return g;
}

describe('a closed-loop run with a cell in manual and telemetry streaming, killed while set points are dispatched', () => {
  it.each<[Target, number]>([
    ['devhost', 1],
    ['azurite', 2],
    ['cosmos', 3],
    ['group', 4],
  ])(
    'after a SIGKILL of %s: lost 0 and twice 0 in silver, the run completed once, each set point applied once, none to the cell in manual, the override listed, the ledger whole',
    async (target, day) => {
      const database = `crash-dispatch-${target}`;
      const startMs = Date.UTC(2026, 10, day, 6, 0, 0);
      const testStartMs = Date.now();
      const { events, recorder } = await telemetryOfL2(100 + day, startMs);
      const half = Math.floor(events.length / 2);
      // The seeded moment: the k-th set point applied at the PLC, before its read-back reaches the dispatcher.
      const killAt = createRng(14).fork(target).pick([1, 2, 3]);
      const appliedBefore = appliedLog.length;
      const phases: string[] = [];
      const phase = (name: string) => phases.push(`${name} ${((Date.now() - testStartMs) / 1000).toFixed(1)} s`);

      let g = await startGroup(database);
      const manual = await call(g.devhost.url, 'POST', 'overrides', {
        scope: { kind: 'cell', cellId: MANUAL_CELL },
        reason: 'fault suite: anode change',
      });
      expect(manual.status).toBe(201);
      await sendToHub(g.devhost, 'telemetry', events.slice(0, half));

      phase('started');
      let killed: Promise<unknown> | undefined;
      onApplied = () => {
        if (appliedLog.length - appliedBefore === killAt && !killed) killed = killNow(g, target);
      };
      const started = await call(g.devhost.url, 'POST', 'optimizations', { lineId: 'L1', mode: 'closed-loop' });
      expect(started.status).toBe(202);
      const runId = started.json.runId as string;
      await waitFor('the seeded moment of the kill', () => killed !== undefined, 120_000);
      onApplied = undefined;
      await killed;

      phase('killed');
      // Telemetry keeps coming: into the devhost while an emulator it writes to is dead, or after it is back itself.
      const devhostAlive = target === 'azurite' || target === 'cosmos';
      if (devhostAlive) await sendToHub(g.devhost, 'telemetry', events.slice(half));
      g = await restart(g, target, database);
      if (!devhostAlive) await sendToHub(g.devhost, 'telemetry', events.slice(half));
      const done = await waitFor(
        'the run to complete after the restart',
        async () => {
          const r = await call(g.devhost.url, 'GET', `optimizations/${runId}`);
          if (r.json.runtimeStatus === 'Failed') throw new Error(`the run failed: ${JSON.stringify(r.json)}`);
          return r.json.runtimeStatus === 'Completed' ? (r.json.result as Record<string, unknown>) : undefined;
        },
        120_000,
      );
      phase('run completed');
      const status = await instance(g.devhost, runId);
      expect(status.history.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);

      // Every set point recommended is applied once, with its value; none reaches the cell in manual.
      const recommended = publishedEvents(dataDirOf(database))
        .filter(
          (e) =>
            e.type === PlantEventType.setpointRecommended &&
            (e.data as { recommendationId?: string }).recommendationId?.startsWith(runId),
        )
        .flatMap(
          (e) => (e.data as { setPoints: { equipmentId: string; setPoint: Record<string, number> }[] }).setPoints,
        );
      expect(recommended.length, JSON.stringify(done)).toBeGreaterThan(killAt);
      const toCell = (cellId: string) => appliedLog.slice(appliedBefore).filter((a) => a.cellId === cellId);
      await waitFor(
        'the PLC to apply every set point that may be applied',
        () => recommended.every((r) => r.equipmentId === MANUAL_CELL || toCell(r.equipmentId).length > 0),
        150_000,
      ).catch((e: unknown) => {
        const commands = publishedEvents(dataDirOf(database))
          .filter((c) => c.type.startsWith('smelter.command.'))
          .map((c) => c.data as { recommendationId: string; equipmentId: string; state: string; failure?: unknown })
          .filter((c) => c.recommendationId.startsWith(runId))
          .map((c) => `${c.equipmentId} ${c.state} ${c.failure ? JSON.stringify(c.failure) : ''}`);
        throw new Error(`${String(e)}; commands: ${commands.join('; ')}\n${g.devhost.output().slice(-2000)}`);
      });
      phase('set points applied');
      for (const r of recommended) {
        if (r.equipmentId === MANUAL_CELL) continue;
        expect(toCell(r.equipmentId), r.equipmentId).toHaveLength(1);
        expect(toCell(r.equipmentId)[0]!.applied).toMatchObject(r.setPoint);
      }
      expect(toCell(MANUAL_CELL)).toEqual([]);

      const overrides = await call(g.devhost.url, 'GET', 'overrides');
      expect((overrides.json.items as { scopeKey: string }[]).map((o) => o.scopeKey)).toContain(`cell:${MANUAL_CELL}`);

      const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(g.azurite.connectionString));
      const window = { eventsFromMs: startMs, enqueuedFromMs: testStartMs, untilMs: startMs + 12 * 3_600_000 };
      const score = await waitFor(
        'every valid point in silver or quarantine',
        async () => {
          const { silver, quarantine } = await readRunFromLake(lake, window);
          const s = scoreCleansing([], silver, quarantine, recorder.sentKeys);
          return s.lost === 0 ? s : undefined;
        },
        120_000,
      );
      expect(score.duplicatedInSilver).toBe(0);
      phase('telemetry in silver');

      await waitFor(
        'every subscription drained',
        async () => (await topicStats(g.devhost)).every((s) => s.active === 0),
        120_000,
      );
      expect((await topicStats(g.devhost)).map((s) => [s.subscription, s.deadLettered])).toEqual([
        ['scada', 0],
        ['ledger', 0],
        ['alerts', 0],
        ['controlroom', 0],
      ]);
      expect((await verifyLocalLedger(lake, { collectionId: 'plant-01' })).ok).toBe(true);
      expect((await findLedgerGaps(lake, { collectionId: 'plant-01' })).gaps).toEqual([]);
      phase('ledger verified');
      console.log(`${target} killed at set point ${killAt}: ${phases.join(', ')}`);
    },
    300_000,
  );
});
