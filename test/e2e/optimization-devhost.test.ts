/**
 * Optimisation and PDE runs end to end in the devhost: the real app with Azurite, the Cosmos-compatible server, the
 * embedded MQTT broker and the simulator as PLC. Runs are started over HTTP with bearer tokens, approved, read back;
 * their events reach the topic once, the dispatcher sends the set points and the PLC applies them; every recorded
 * orchestration replays identically from its history, and the check catches one that reads the clock. The schedule
 * starts its run for the configured line from a past-due occurrence at start-up.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { startDevhost, type DevhostHandle } from '../../local/devhost/devhost.js';
import { InstanceStore } from '../../local/devhost/durable/instance-store.js';
import { assertDeterministic } from '../../local/devhost/durable/replay.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startPlantEdgeNodes, type PlantEdgeNodes } from '../../local/plc/plant-edge-nodes.js';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import { seedPlantStores } from '../../local/simulator/seed-stores.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { createPotline, type Potline } from '../../local/simulator/index.js';
import { CosmosModelRepository, PDE_MODELS_CONTAINER } from '../../shared/azure/cosmos-model-repository.js';
import { CosmosRunStore } from '../../shared/azure/cosmos-orchestration-stores.js';
import { openContainer } from '../../shared/azure/open-container.js';
import { v1Path } from '../../shared/http/paths.js';
import { PlantEventType } from '../../shared/messaging/subscriptions.js';
import { OptimizationRunEventData } from '../../shared/orchestration/schemas.js';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { exampleSettings, publishedEvents, repoRoot } from './support.js';

const DB = 'orchestration-e2e';
/** The clock-reading orchestrator of the fixture app (not imported: the devhost must be the first to load the app). */
const SNAPSHOT_READING_CLOCK = 'snapshotReadingClock';
const HUB = 'OrchestrationE2E';
let tmp: string;
let host: DevhostHandle;
let issuer: DevIssuer;
let plc: PlantEdgeNodes;
let potline: Potline;
let cosmosServer: CosmosHandle;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'optimization-e2e-'));
  [issuer, cosmosServer] = await Promise.all([startDevIssuer({ keyDir: path.join(tmp, 'keys') }), startCosmos()]);
  // Two 12-cell lines whose readings end now (the cell state ingestion would have written), and the same potline as
  // the PLC the dispatcher talks to. L1 is run over HTTP; the schedule runs L2.
  potline = createPotline({
    lines: 2,
    cellsPerLine: 12,
    seed: 5,
    startMs: Date.now() - 40_000,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  await seedPlantStores(
    new CosmosClient({
      endpoint: cosmosServer.endpoint,
      key: cosmosServer.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    }),
    DB,
    await cellStateDocs(potline),
  );
  // The schedule's monitor says an occurrence was missed while the host was down: it runs once at start-up.
  mkdirSync(path.join(tmp, 'data', 'timers'), { recursive: true });
  writeFileSync(
    path.join(tmp, 'data', 'timers', 'optimizationSchedule.json'),
    JSON.stringify({
      last: '2026-01-01T00:00:00.000Z',
      next: '2026-01-01T01:00:00.000Z',
      lastUpdated: '2026-01-01T00:00:00.000Z',
    }),
  );
  // The plant model of the simulated potline (two 12-cell lines of the base cell) and L3, which sends nothing.
  const plantFile = path.join(tmp, 'plant.json');
  writeFileSync(plantFile, JSON.stringify(testPlantWith({ L1: 12, L2: 12, L3: 4 })));
  host = await startDevhost({
    appEntry: 'test/e2e/fixtures/clock-reading-app.ts',
    appDir: repoRoot,
    dataDir: path.join(tmp, 'data'),
    httpPort: 0,
    startAzurite: true,
    startMqtt: true,
    logLevel: 'none',
    // Both schedules otherwise fire on 1 January only; L1's runs are started over HTTP.
    settings: {
      ...appSettings(),
      ...issuer.settings,
      COSMOS_ENDPOINT: cosmosServer.endpoint,
      COSMOS_KEY: cosmosServer.key,
      COSMOS_DATABASE: DB,
      DURABLE_TASK_HUB: HUB,
      PLANT_MODEL_FILE: plantFile,
      OPTIMIZATION_SCHEDULE: '0 0 0 1 1 *',
      OPTIMIZATION_LINES: 'L2',
      OPTIMIZATION_MODE: 'advisory',
      CURATION_SCHEDULE: '0 0 0 1 1 *',
    },
  });
  plc = await startPlantEdgeNodes({ broker: host.mqtt!, potline, lineIds: ['L1', 'L2'] });
  for (const role of ['Operator', 'Engineer', 'Manager'] as const)
    tokens[role] = await issuer.mint({ roles: [role], sub: role.toLowerCase() });
}, 90_000);

afterAll(async () => {
  await plc?.stop();
  await host?.stop();
  await issuer?.stop();
  await cosmosServer?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The example settings without the Service Bus connection, which the devhost points at its own topic. */
function appSettings(): Record<string, string> {
  const { ServiceBusConnection: _local, ...rest } = exampleSettings();
  return rest;
}

const cosmos = () =>
  new CosmosClient({
    endpoint: process.env.COSMOS_ENDPOINT!,
    key: process.env.COSMOS_KEY!,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
const url = (resource: string) => `${host.httpUrl}${v1Path(resource)}`;

async function call(
  method: string,
  resource: string,
  role: keyof typeof tokens,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url(resource), {
    method,
    headers: {
      authorization: `Bearer ${tokens[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const step = async (runId: string) =>
  ((await call('GET', `optimizations/${runId}`, 'Operator')).json.progress as { step?: string } | null)?.step;
const historyOf = (instanceId: string) =>
  new InstanceStore(path.join(tmp, 'data', 'durable', HUB)).loadAll().find((i) => i.instanceId === instanceId)!.history;

describe('optimisation runs through the devhost', () => {
  let runId: string;

  it('starts an advisory run over HTTP, waits for approval, applies it once approved and publishes one set of events', async () => {
    const started = await call(
      'POST',
      'optimizations',
      'Engineer',
      { lineId: 'L1', mode: 'advisory' },
      { 'x-correlation-id': 'e2e-run-1' },
    );
    expect(started.status).toBe(202);
    runId = started.json.runId as string;
    expect(runId).toMatch(/^opt-L1-/);
    expect(started.headers.get('location')).toBe(v1Path(`optimizations/${runId}`));

    await waitFor('the run to wait for approval', async () => (await step(runId)) === 'awaiting-approval', 60_000);
    const waiting = await call('GET', `optimizations/${runId}`, 'Operator');
    expect(waiting.json).toMatchObject({
      runtimeStatus: 'Running',
      lineId: 'L1',
      mode: 'advisory',
      progress: { step: 'awaiting-approval', proposal: { cellsChanged: expect.any(Number) } },
    });
    expect((waiting.json.links as { rel: string }[]).map((l) => l.rel)).toContain('approval');
    expect(
      publishedEvents(path.join(tmp, 'data')).filter((e) => e.type === PlantEventType.setpointRecommended),
    ).toHaveLength(0);

    const approved = await call('POST', `optimizations/${runId}/approval`, 'Engineer', {
      decision: 'approve',
      reason: 'steps are small and the line is steady',
    });
    expect(approved.status).toBe(202);
    expect(approved.json).toMatchObject({ decision: 'approve', decidedBy: 'engineer' });

    const done = await waitFor(
      'the run to complete',
      async () => {
        const r = await call('GET', `optimizations/${runId}`, 'Operator');
        return r.json.runtimeStatus === 'Completed' ? r.json : undefined;
      },
      60_000,
    );
    const result = done.result as Record<string, unknown>;
    expect(result).toMatchObject({
      runId,
      lineId: 'L1',
      status: 'completed',
      outcome: 'applied',
      approval: { decision: 'approve', decidedBy: 'engineer' },
    });
    expect(result.cellsChanged).toBeGreaterThan(0);
    expect(result.objectiveKWhPerKg as number).toBeLessThan(result.baselineKWhPerKg as number);

    // One set of events: a set point per moved equipment, the approval, the completion; ids unique.
    const events = publishedEvents(path.join(tmp, 'data'));
    const recommended = events.filter((e) => e.type === PlantEventType.setpointRecommended);
    expect(recommended).toHaveLength(result.setPointEvents as number);
    expect(events.filter((e) => e.type === PlantEventType.optimizationApproved)).toHaveLength(1);
    const completed = events.filter((e) => e.type === PlantEventType.optimizationCompleted);
    expect(completed).toHaveLength(1);
    expect(OptimizationRunEventData.parse(completed[0]!.data)).toMatchObject({
      runId,
      status: 'completed',
      cellsChanged: result.cellsChanged,
      modelVersion: expect.any(String),
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    // The loop closes: the dispatcher sends every set point through the envelope and the simulated PLC applies it.
    await waitFor('the PLC to apply every set point', () => plc.counters().applied === recommended.length, 60_000);
    expect(plc.counters().refused).toBe(0);

    const stored = await (await CosmosRunStore.create(cosmos(), DB, { createIfMissing: true })).get(runId);
    expect(stored).toMatchObject({
      runId,
      outcome: 'applied',
      correlationId: 'e2e-run-1',
      recommendation: { container: 'gold', path: expect.stringContaining(`run=${runId}/recommendation.json`) },
    });
  });

  it('replays the recorded optimizationRun identically, and catches an orchestrator that reads the clock', async () => {
    await assertDeterministic(host.registry, 'optimizationRun', historyOf(runId));

    const res = await fetch(
      `${host.httpUrl}/runtime/webhooks/durabletask/orchestrators/${SNAPSHOT_READING_CLOCK}/clock-1`,
      { method: 'POST', body: JSON.stringify({ lineId: 'L1' }) },
    );
    expect(res.status).toBe(202);
    await waitFor(
      'the clock-reading run to complete',
      async () =>
        (
          (await (await fetch(`${host.httpUrl}/runtime/webhooks/durabletask/instances/clock-1`)).json()) as {
            runtimeStatus: string;
          }
        ).runtimeStatus === 'Completed',
    );
    await expect(assertDeterministic(host.registry, SNAPSHOT_READING_CLOCK, historyOf('clock-1'))).rejects.toThrow(
      /ERR-DEVHOST-DURABLE-NONDETERMINISTIC/,
    );
  });

  it('answers 409 to an approval of a run that is not waiting, and 403 naming body.mode to closed-loop from an Engineer', async () => {
    const late = await call('POST', `optimizations/${runId}/approval`, 'Manager', {
      decision: 'reject',
      reason: 'too late',
    });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ code: 'ERR-4091', details: [{ field: 'path.runId' }] });
    const denied = await call('POST', 'optimizations', 'Engineer', { lineId: 'L1', mode: 'closed-loop' });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ code: 'ERR-4033', details: [{ field: 'body.mode' }] });
    expect((await call('POST', 'optimizations', 'Operator', { lineId: 'L1' })).status).toBe(403);
  });

  it('ends a run that cannot proceed Failed with its reason, records it and publishes smelter.optimization.failed', async () => {
    const unknown = await call('POST', 'optimizations', 'Engineer', { lineId: 'L9' });
    expect(unknown).toMatchObject({ status: 400, json: { code: 'ERR-4001', details: [{ field: 'body.lineId' }] } });
    const started = await call('POST', 'optimizations', 'Engineer', { lineId: 'L3' });
    const id = started.json.runId as string;
    const failed = await waitFor(
      'the run to fail',
      async () => {
        const r = await call('GET', `optimizations/${id}`, 'Operator');
        return r.json.runtimeStatus === 'Failed' ? r.json : undefined;
      },
      60_000,
    );
    expect(failed.error).toMatch(/no cell of line L3 has telemetry/);
    expect(failed.progress).toMatchObject({ step: 'failed', reason: expect.stringContaining('L3') });
    const event = publishedEvents(path.join(tmp, 'data')).find(
      (e) => e.type === PlantEventType.optimizationFailed && e.subject === 'L3',
    );
    expect(OptimizationRunEventData.parse(event?.data)).toMatchObject({
      runId: id,
      status: 'failed',
      outcome: 'failed',
      cellsChanged: 0,
      objectiveKWhPerKg: null,
    });
    expect(await (await CosmosRunStore.create(cosmos(), DB, { createIfMissing: true })).get(id)).toMatchObject({
      status: 'failed',
    });
  });

  it('keeps per-line constraints with ETags, and a closed-loop run by a Manager applies them without approval', async () => {
    const empty = await call('GET', 'lines/L1/constraints', 'Operator');
    expect(empty).toMatchObject({ status: 200, json: { lineId: 'L1', constraints: [], version: 0 } });
    const body = {
      constraints: [
        { scope: 'cell', cellId: 'L1-C003', variable: 'acdCm', freeze: true, reason: 'anode change due' },
        { scope: 'line', variable: 'lineCurrentKA', freeze: true },
      ],
    };
    const put = await call('PUT', 'lines/L1/constraints', 'Engineer', body);
    expect(put.status).toBe(200);
    const etag = put.headers.get('etag')!;
    expect((await call('PUT', 'lines/L1/constraints', 'Engineer', body, { 'if-match': '"stale"' })).status).toBe(412);
    expect((await call('PUT', 'lines/L1/constraints', 'Operator', body)).status).toBe(403);
    expect(
      (
        await call('PUT', 'lines/L1/constraints', 'Engineer', {
          constraints: [{ scope: 'cell', cellId: 'L2-C001', variable: 'acdCm', freeze: true }],
        })
      ).json,
    ).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body.constraints.0.cellId' }] });
    expect((await call('GET', 'lines/L1/constraints', 'Engineer')).headers.get('etag')).toBe(etag);

    const started = await call('POST', 'optimizations', 'Manager', { lineId: 'L1', mode: 'closed-loop' });
    expect(started.status).toBe(202);
    const id = started.json.runId as string;
    const done = await waitFor(
      'the closed-loop run to complete',
      async () => {
        const r = await call('GET', `optimizations/${id}`, 'Operator');
        return r.json.runtimeStatus === 'Completed' ? r.json : undefined;
      },
      60_000,
    );
    expect(done.result).toMatchObject({ mode: 'closed-loop', trigger: 'api', requestedBy: 'manager' });
    const events = publishedEvents(path.join(tmp, 'data'));
    expect(events.some((e) => e.type === PlantEventType.constraintsChanged)).toBe(true);
    const mine = events.filter(
      (e) =>
        e.type === PlantEventType.setpointRecommended &&
        (e.data as { recommendationId: string }).recommendationId.startsWith(`${id}/`),
    );
    // The frozen ACD of L1-C003 and the frozen line current are not moved.
    for (const e of mine) {
      const sp = (e.data as { setPoints: { equipmentId: string; setPoint: Record<string, number> }[] }).setPoints[0]!;
      expect(sp.equipmentId).not.toBe('L1-LINE');
      if (sp.equipmentId === 'L1-C003') expect(sp.setPoint.acdCm).toBeUndefined();
    }
    await assertDeterministic(host.registry, 'optimizationRun', historyOf(id));
  });
});

describe('the optimisation schedule in the devhost', () => {
  it('starts one run for the configured line from the past-due occurrence, named by its slot, which waits for approval', async () => {
    // The slot is named by the schedule's next occurrence: the coming 1 January.
    const runId = `opt-L2-before-${new Date().getUTCFullYear() + 1}0101T000000Z`;
    await waitFor(
      'the scheduled run to wait for approval',
      async () => (await step(runId)) === 'awaiting-approval',
      60_000,
    );
    const run = await call('GET', `optimizations/${runId}`, 'Operator');
    expect(run.json).toMatchObject({ lineId: 'L2', mode: 'advisory', trigger: 'schedule', requestedBy: 'schedule' });
    const listed = (await (
      await fetch(`${host.httpUrl}/runtime/webhooks/durabletask/instances?instanceIdPrefix=opt-L2-`)
    ).json()) as unknown[];
    expect(listed).toHaveLength(1);
  });
});

describe('PDE runs through the devhost', () => {
  it('runs a stored model, keeps the result in the lake and answers with its reference; replays identically', async () => {
    const model = await call('POST', 'pde-models', 'Engineer', {
      modelName: 'FourierHeatModel',
      parameters: {
        thermalConductivity: 200,
        initialTemperature: 700,
        boundaryConditions: { topSurface: 750, bottomSurface: 690 },
      },
    });
    expect(model.status).toBe(201);
    const modelId = model.json.modelId as string;
    const started = await call('POST', `pde-models/${modelId}/runs`, 'Engineer');
    expect(started.status).toBe(202);
    const runId = started.json.runId as string;
    const done = await waitFor(
      'the PDE run to complete',
      async () => {
        const r = await call('GET', `pde-models/${modelId}/runs/${runId}`, 'Operator');
        return r.json.runtimeStatus === 'Completed' ? r.json : undefined;
      },
      60_000,
    );
    expect(done.result).toMatchObject({
      ok: true,
      modelName: 'FourierHeatModel',
      result: {
        container: 'gold',
        path: expect.stringMatching(
          new RegExp(`^pde_runs/date=\\d{4}-\\d{2}-\\d{2}/model=${modelId}/${runId}\\.json$`),
        ),
      },
    });
    expect((done.result as { result: { bytes: number } }).result.bytes).toBeGreaterThan(1000);
    expect((await call('GET', `pde-models/pde-999/runs/${runId}`, 'Operator')).status).toBe(404);
    expect((await call('POST', 'pde-models/pde-999/runs', 'Engineer')).status).toBe(404);
    await assertDeterministic(host.registry, 'pdeRun', historyOf(runId));
  });

  it('refuses a configuration the physics engine would refuse when it is written, and fails a run of one stored earlier, naming the field', async () => {
    const bad = {
      modelName: 'FourierHeatModel',
      parameters: {
        thermalConductivity: -5,
        initialTemperature: 700,
        boundaryConditions: { topSurface: 750, bottomSurface: 690 },
      },
    };
    const refused = await call('POST', 'pde-models', 'Engineer', bad);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body.parameters.thermalConductivity' }],
    });
    // A model an earlier release stored without that check: its run still fails cleanly, naming the field.
    const client = new CosmosClient({
      endpoint: cosmosServer.endpoint,
      key: cosmosServer.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const models = new CosmosModelRepository(await openContainer(client, DB, PDE_MODELS_CONTAINER, '/modelId', true));
    const { stored } = await models.create(
      bad as never,
      { subject: 'earlier-release', clientId: 'test', correlationId: 'seed' },
      Date.now(),
      () => [],
    );
    const modelId = stored.modelId;
    const runId = (await call('POST', `pde-models/${modelId}/runs`, 'Manager')).json.runId as string;
    const failed = await waitFor(
      'the PDE run to fail',
      async () => {
        const r = await call('GET', `pde-models/${modelId}/runs/${runId}`, 'Engineer');
        return r.json.runtimeStatus === 'Failed' ? r.json : undefined;
      },
      60_000,
    );
    expect(failed.error).toMatch(/ERR-PHYS-CONFIG at parameters\.thermalConductivity/);
  });
});
