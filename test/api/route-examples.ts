/**
 * A working request for every route in the table, and a request for each error a route documents beyond the
 * pipeline's own (404, 409, 412). The contract, security and fuzz suites walk the route table with these: a route
 * added without an example here fails them, naming the route.
 */
import { waitFor } from '../../local/devhost/testing.js';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import { seedPlantStores } from '../../local/simulator/seed-stores.js';
import { createPotline } from '../../local/simulator/index.js';
import { AlertRecords } from '../../shared/alerts/alert-records.js';
import { CosmosAlertStore } from '../../shared/azure/cosmos-alert-stores.js';
import { CosmosHotStateStore } from '../../shared/azure/cosmos-hot-state.js';
import { routes, type RouteSpec } from '../../shared/api/routes.js';
import { seedCommands } from './fixtures/commands.js';
import { seedGold } from './fixtures/gold.js';
import { handlersByRoute } from './handlers.js';
import { PLANT_EXAMPLE, TEST_PLANT, type ApiWorld, type CallOptions } from './harness.js';

/** A request without the token (the suites pick the caller). */
export type ExampleRequest = Omit<CallOptions, 'token'>;
/** A request, or a function preparing data (as a Manager, with the world's real stores) and returning the request. */
export type Example = ExampleRequest | ((world: ApiWorld) => Promise<ExampleRequest>);

export interface RouteExample {
  /** Answers a documented 2xx for any role the route allows. Runs more than once: each run must succeed again. */
  ok: Example;
  /** Per documented error status (beyond 400/401/403/413/415/429/500, which the pipeline answers for every route). */
  errors?: Partial<Record<number, Example>>;
}

const seeded = new WeakMap<ApiWorld, Promise<{ commandId: string }>>();

/** Seeds what the read examples need, once per world: a cell's hot state, set-point commands, curated gold. */
export function seedWorld(world: ApiWorld): Promise<{ commandId: string }> {
  let s = seeded.get(world);
  if (!s) {
    s = (async () => {
      const hot = await CosmosHotStateStore.create(world.cosmosClient(), world.database, { createIfMissing: true });
      await hot.upsertCell({
        id: 'L1-C001',
        cellId: 'L1-C001',
        lineId: 'L1',
        tags: { cellVoltage: { value: 4.3, unit: 'V', ts: Date.now(), quality: 'good', flags: [] } },
        updatedAtMs: Date.now(),
      });
      const commands = await seedCommands(world.cosmosClient(), world.database);
      if (world.lake) await seedGold(world.lake);
      return { commandId: commands[0]!.commandId };
    })();
    seeded.set(world, s);
  }
  return s;
}

/** Calls another route as a Manager (to create what an example needs) and returns its JSON. */
async function asManager(world: ApiWorld, route: RouteSpec, o: ExampleRequest): Promise<Record<string, unknown>> {
  const res = await world.call(route, handlersByRoute[route.name]!, {
    ...o,
    token: await world.token({ roles: ['Manager'], sub: 'example-setup' }),
  });
  if (res.status >= 300) throw new Error(`example setup ${route.name} answered ${res.status}: ${res.text}`);
  return res.json as Record<string, unknown>;
}
const newModelId = async (world: ApiWorld) =>
  String((await asManager(world, routes.pdeModelsCreate, { body: PLANT_EXAMPLE })).modelId);

let cellSeq = 0;
/** A cell no example has used yet, so a new override is a change (201) and is audited. */
const freshCell = () => `L7-C${String(++cellSeq).padStart(3, '0')}`;

const MISSING_MODEL = { modelId: 'pde-999999' };

let lineSeq = 0;
/** A line no example has used yet: a run started on it is the line's only one (a second would be 409). */
const freshLine = () => `LX${++lineSeq}`;

/** Writes a small simulated line's hot state under `lineId`, so a run on it has cells to optimise. */
async function seedLine(world: ApiWorld, lineId: string): Promise<void> {
  const potline = createPotline({
    lines: 1,
    cellsPerLine: 4,
    seed: 11,
    startMs: Date.now() - 40_000,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  const docs = (await cellStateDocs(potline)).map(
    (doc) =>
      JSON.parse(JSON.stringify(doc).replaceAll('"L1-', `"${lineId}-`).replaceAll('"L1"', `"${lineId}"`)) as typeof doc,
  );
  await seedPlantStores(world.cosmosClient(), world.database, docs);
}

/** Starts an advisory run as a Manager on a fresh line; with `waiting`, on a seeded line and until it awaits approval. */
async function startedRun(world: ApiWorld, waiting = false): Promise<string> {
  const lineId = freshLine();
  if (waiting) await seedLine(world, lineId);
  const runId = String(
    (await asManager(world, routes.optimizationsStart, { body: { lineId, mode: 'advisory' } })).runId,
  );
  if (waiting) {
    await waitFor(
      `run ${runId} to await approval`,
      async () => {
        const run = await asManager(world, routes.optimizationsGet, { params: { runId } });
        const step = (run.progress as { step?: string } | null)?.step;
        if (run.runtimeStatus !== 'Running' && run.runtimeStatus !== 'Pending')
          throw new Error(`run ${runId} ended ${String(run.runtimeStatus)} before asking for approval`);
        return step === 'awaiting-approval';
      },
      60_000,
    );
  } else {
    await waitFor(
      `run ${runId} to end`,
      async () => (await asManager(world, routes.optimizationsGet, { params: { runId } })).runtimeStatus === 'Failed',
      60_000,
    );
  }
  return runId;
}

/** An alert rule body naming the channel the test world configures (ALERT_CHANNELS in harness.ts). */
const RULE_BODY = {
  name: 'Bath temperature high',
  scope: { tag: 'bathTemp', lineId: 'L1' },
  condition: { kind: 'above', raise: 975, clear: 965 },
  raiseForS: 60,
  severity: 'warning',
  channels: ['ops-webhook'],
};
let ruleSeq = 0;
const newRuleId = async (world: ApiWorld) => {
  const ruleId = `example-rule-${++ruleSeq}`;
  await asManager(world, routes.alertRulesCreate, { body: { ruleId, ...RULE_BODY } });
  return ruleId;
};

/** An open alert, raised through the alert records on the world's Cosmos server (as the notifier raises them). */
let alertSeq = 0;
async function openAlert(world: ApiWorld, cleared = false): Promise<string> {
  const records = new AlertRecords({
    store: await CosmosAlertStore.create(world.cosmosClient(), world.database, { createIfMissing: true }),
  });
  const cellId = `L1-C${String(500 + ++alertSeq).padStart(3, '0')}`;
  const { alert } = await records.raise({
    conditionKey: 'example',
    scopeKey: cellId,
    ruleId: 'example',
    cellId,
    lineId: 'L1',
    title: 'Example',
    severity: 'info',
    channels: [],
    atMs: Date.now(),
  });
  if (cleared) await records.clear(alert.id, Date.now(), 'example-setup', 'example: the condition cleared');
  return alert.id;
}

/** A lab batch: a bath and a metal sample of L1-C001 (stored) and a row naming a cell the plant lacks (refused). */
const LAB_BATCH = {
  samples: [
    {
      kind: 'bath',
      sampleId: 'LIMS-2026-11-22-0001',
      cellId: 'L1-C001',
      sampledAt: '2026-11-22T08:00:00Z',
      alf3Pct: 11.2,
      caf2Pct: 5.1,
      aluminaPct: 2.8,
      bathTempC: 962,
      liquidusC: 953,
    },
    {
      kind: 'metal',
      sampleId: 'LIMS-2026-11-22-0002',
      cellId: 'L1-C001',
      sampledAt: '2026-11-22T08:05:00Z',
      fePct: 0.12,
      siPct: 0.05,
    },
    {
      kind: 'metal',
      sampleId: 'LIMS-2026-11-22-0003',
      cellId: 'L9-C999',
      sampledAt: '2026-11-22T08:05:00Z',
      fePct: 0.1,
      siPct: 0.04,
    },
  ],
};

/** Uploads LAB_BATCH as the laboratory, so the read example has samples to list. */
async function seedLabSamples(world: ApiWorld): Promise<void> {
  const res = await world.call(routes.labSamplesUpload, handlersByRoute[routes.labSamplesUpload.name]!, {
    body: LAB_BATCH,
    token: await world.token({ roles: ['Lab'], sub: 'example-lab' }),
  });
  if (res.status !== 200) throw new Error(`lab upload answered ${res.status}: ${res.text}`);
}

export const routeExamples: Record<string, RouteExample> = {
  // Health is 200 only once the dependencies answer: the lake's silver container and the Cosmos database (seeding creates it).
  [routes.health.name]: { ok: async (world) => (await seedWorld(world), {}) },
  [routes.openApi.name]: { ok: {} },
  [routes.cellLatest.name]: {
    ok: async (world) => (await seedWorld(world), { params: { cellId: 'L1-C001' } }),
    errors: { 404: { params: { cellId: 'L9-C999' } } },
  },
  [routes.pdeModelsCreate.name]: { ok: { body: PLANT_EXAMPLE } },
  [routes.pdeModelsList.name]: { ok: { query: 'pageSize=5' } },
  [routes.pdeModelsGet.name]: {
    ok: async (world) => ({ params: { modelId: await newModelId(world) } }),
    errors: { 404: { params: MISSING_MODEL } },
  },
  [routes.pdeModelsReplace.name]: {
    ok: async (world) => ({
      params: { modelId: await newModelId(world) },
      body: { ...PLANT_EXAMPLE, description: 'replaced' },
    }),
    errors: {
      404: { params: MISSING_MODEL, body: PLANT_EXAMPLE },
      412: async (world) => ({
        params: { modelId: await newModelId(world) },
        body: PLANT_EXAMPLE,
        headers: { 'if-match': '"stale"' },
      }),
    },
  },
  [routes.pdeModelsDelete.name]: {
    ok: async (world) => ({ params: { modelId: await newModelId(world) } }),
    errors: {
      404: { params: MISSING_MODEL },
      412: async (world) => ({ params: { modelId: await newModelId(world) }, headers: { 'if-match': '"stale"' } }),
    },
  },
  // 409 (two changes to one scope racing) cannot be staged through the API; the store's version check is tested in
  // shared/azure/cosmos-scada-stores.test.ts.
  [routes.overridesRequest.name]: {
    ok: async () => ({ body: { scope: { kind: 'cell', cellId: freshCell() }, reason: 'anode change' } }),
  },
  [routes.overridesRelease.name]: {
    ok: async (world) => {
      const scope = { kind: 'cell', cellId: freshCell() };
      await asManager(world, routes.overridesRequest, { body: { scope, reason: 'anode change' } });
      return { body: { scope, reason: 'back to automatic' } };
    },
    errors: { 409: { body: { scope: { kind: 'cell', cellId: 'L8-C001' }, reason: 'never in manual' } } },
  },
  [routes.overridesList.name]: { ok: { query: 'pageSize=10' } },
  [routes.setpointsCurrent.name]: { ok: async (world) => (await seedWorld(world), { params: { cellId: 'L1-C001' } }) },
  [routes.setpointsHistory.name]: {
    ok: async (world) => (await seedWorld(world), { params: { cellId: 'L1-C001' }, query: 'pageSize=3' }),
  },
  [routes.setpointCommand.name]: {
    ok: async (world) => ({ params: { commandId: (await seedWorld(world)).commandId } }),
    errors: { 404: { params: { commandId: `cmd-${'f'.repeat(32)}` } } },
  },
  [routes.lineKpis.name]: {
    ok: async (world) => (
      await seedWorld(world),
      { params: { lineId: 'L1' }, query: 'from=2026-11-22&to=2026-11-23&grain=day' }
    ),
    errors: {
      404: async (world) => (
        await seedWorld(world),
        { params: { lineId: 'L9' }, query: 'from=2026-11-22&to=2026-11-23' }
      ),
    },
  },
  [routes.alertRulesCreate.name]: {
    ok: async () => ({ body: { ruleId: `example-rule-new-${++ruleSeq}`, ...RULE_BODY } }),
    errors: { 409: async (world) => ({ body: { ruleId: await newRuleId(world), ...RULE_BODY } }) },
  },
  [routes.alertRulesList.name]: { ok: { query: 'pageSize=5' } },
  [routes.alertRulesGet.name]: {
    ok: async (world) => ({ params: { ruleId: await newRuleId(world) } }),
    errors: { 404: { params: { ruleId: 'no-such-rule' } } },
  },
  [routes.alertRulesReplace.name]: {
    ok: async (world) => ({ params: { ruleId: await newRuleId(world) }, body: { ...RULE_BODY, raiseForS: 120 } }),
    errors: {
      404: { params: { ruleId: 'no-such-rule' }, body: RULE_BODY },
      412: async (world) => ({
        params: { ruleId: await newRuleId(world) },
        body: RULE_BODY,
        headers: { 'if-match': '"stale"' },
      }),
    },
  },
  [routes.alertRulesDelete.name]: {
    ok: async (world) => ({ params: { ruleId: await newRuleId(world) } }),
    errors: {
      404: { params: { ruleId: 'no-such-rule' } },
      412: async (world) => ({ params: { ruleId: await newRuleId(world) }, headers: { 'if-match': '"stale"' } }),
    },
  },
  [routes.alertsList.name]: { ok: { query: 'pageSize=5' } },
  [routes.alertsAcknowledge.name]: {
    ok: async (world) => ({ params: { alertId: await openAlert(world) } }),
    errors: {
      404: { params: { alertId: `al-${'f'.repeat(24)}` } },
      409: async (world) => ({ params: { alertId: await openAlert(world, true) } }),
    },
  },
  [routes.pdeRunsStart.name]: {
    ok: async (world) => ({ params: { modelId: await newModelId(world) } }),
    errors: { 404: { params: MISSING_MODEL } },
  },
  [routes.pdeRunsGet.name]: {
    ok: async (world) => {
      const modelId = await newModelId(world);
      const started = await asManager(world, routes.pdeRunsStart, { params: { modelId } });
      return { params: { modelId, runId: String(started.runId) } };
    },
    errors: { 404: { params: { modelId: 'pde-001', runId: 'pde-run-pde-001-unknown' } } },
  },
  // 403 (closed-loop without the Manager role) is a role check the security and optimisation suites cover.
  [routes.optimizationsStart.name]: {
    ok: async () => ({ body: { lineId: freshLine(), mode: 'advisory' } }),
    errors: {
      409: async (world) => {
        const lineId = freshLine();
        await asManager(world, routes.optimizationsStart, {
          body: { lineId, mode: 'advisory', approvalTimeoutMinutes: 60 },
        });
        return { body: { lineId, mode: 'advisory' } };
      },
    },
  },
  [routes.optimizationsGet.name]: {
    ok: async (world) => ({ params: { runId: await startedRun(world) } }),
    errors: { 404: { params: { runId: 'opt-L1-unknown' } } },
  },
  [routes.optimizationsApprove.name]: {
    ok: async (world) => ({
      params: { runId: await startedRun(world, true) },
      body: { decision: 'reject', reason: 'example: keep the present set points' },
    }),
    errors: {
      404: { params: { runId: 'opt-L1-unknown' }, body: { decision: 'approve', reason: 'no such run' } },
      409: async (world) => ({
        params: { runId: await startedRun(world) },
        body: { decision: 'approve', reason: 'the run has ended' },
      }),
    },
  },
  [routes.lineConstraintsGet.name]: { ok: { params: { lineId: 'L1' } } },
  [routes.lineConstraintsReplace.name]: {
    ok: async () => ({ params: { lineId: freshLine() }, body: { constraints: [] } }),
    errors: {
      412: async (world) => {
        const lineId = freshLine();
        await asManager(world, routes.lineConstraintsReplace, { params: { lineId }, body: { constraints: [] } });
        return { params: { lineId }, body: { constraints: [] }, headers: { 'if-match': '"stale"' } };
      },
    },
  },
  [routes.plantGet.name]: { ok: {} },
  [routes.realtimeNegotiate.name]: { ok: {} },
  [routes.lineCellsLatest.name]: {
    ok: async (world) => (await seedWorld(world), { params: { lineId: 'L1' } }),
    errors: { 404: { params: { lineId: 'L9' } } },
  },
  [routes.optimizationsList.name]: { ok: { query: 'lineId=L1' } },
  [routes.optimizationsProposal.name]: {
    ok: async (world) => ({ params: { runId: await startedRun(world, true) } }),
    errors: { 404: { params: { runId: 'opt-L1-unknown' } } },
  },
  [routes.plantReplace.name]: {
    // The model in force written again over its own version: a valid replace that changes nothing.
    ok: async (world) => {
      const current = await world.call(routes.plantGet, handlersByRoute[routes.plantGet.name]!, {
        token: await world.token({ roles: ['Manager'], sub: 'example-setup' }),
      });
      return { body: TEST_PLANT, headers: { 'if-match': current.headers.etag! } };
    },
    errors: { 412: { body: TEST_PLANT } },
  },
  [routes.telemetry.name]: {
    ok: async (world) => (
      await seedWorld(world),
      { query: 'cellId=L1-C001&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z' }
    ),
  },
  [routes.labSamplesUpload.name]: { ok: { body: LAB_BATCH } },
  [routes.cellLabSamples.name]: {
    ok: async (world) => (
      await seedLabSamples(world),
      { params: { cellId: 'L1-C001' }, query: 'from=2026-11-20T00:00:00Z&to=2026-11-23T00:00:00Z' }
    ),
  },
};

/** The route's example (throws naming the route when there is none, so a new route cannot slip past the suites). */
export function exampleOf(route: RouteSpec): RouteExample {
  const e = routeExamples[route.name];
  if (!e) throw new Error(`route ${route.name} has no example in test/api/route-examples.ts`);
  return e;
}

/** Resolves an example to a request (running its preparation). */
export async function resolveExample(world: ApiWorld, e: Example): Promise<ExampleRequest> {
  return typeof e === 'function' ? e(world) : e;
}
