/**
 * The outbox through the API, against the local Cosmos server: every write that publishes a plant event (the plant
 * model, PDE models, alert rules, line constraints, overrides, alert state) answers success while the topic is down,
 * its event waits in the outbox with the change, reads and lists never show it, and the outbox sweep publishes each
 * event exactly once when the topic is back; a publish that fails once (the process died between the write and the
 * publish) loses nothing either. Approvals need a Durable run: shared/api/optimizations-approval.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertRule } from '../../functions/api/alert-rules-create.js';
import { deleteAlertRule } from '../../functions/api/alert-rules-delete.js';
import { getAlertRule } from '../../functions/api/alert-rules-get.js';
import { listAlertRules } from '../../functions/api/alert-rules-list.js';
import { replaceAlertRule } from '../../functions/api/alert-rules-replace.js';
import { acknowledgeAlertById } from '../../functions/api/alerts-acknowledge.js';
import { listAlertsPage } from '../../functions/api/alerts-list.js';
import { getPlantModel } from '../../functions/api/plant-get.js';
import { replacePlantModel } from '../../functions/api/plant-replace.js';
import { getLineConstraintsHandler } from '../../functions/api/line-constraints-get.js';
import { replaceLineConstraintsHandler } from '../../functions/api/line-constraints-replace.js';
import { listOverrides } from '../../functions/api/overrides-list.js';
import { releaseOverride } from '../../functions/api/overrides-release.js';
import { requestOverride } from '../../functions/api/overrides-request.js';
import { createPdeModel } from '../../functions/api/pde-models-create.js';
import { deletePdeModel } from '../../functions/api/pde-models-delete.js';
import { getPdeModel } from '../../functions/api/pde-models-get.js';
import { listPdeModels } from '../../functions/api/pde-models-list.js';
import { replacePdeModel } from '../../functions/api/pde-models-replace.js';
import { AlertRecords } from '../../shared/alerts/alert-records.js';
import { routes } from '../../shared/api/routes.js';
import { OUTBOX_CONTAINERS } from '../../shared/azure/containers.js';
import { CosmosAlertStore } from '../../shared/azure/cosmos-alert-stores.js';
import { OUTBOX_KIND } from '../../shared/azure/cosmos-outbox.js';
import { cosmosClient } from '../../shared/azure/clients.js';
import type { PlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EXAMPLE, startApiWorld, type ApiWorld, type Reply } from './harness.js';
import { sweepOnce } from './outbox-sweep.js';

const DB = 'outbox-api-test';
let world: ApiWorld;
let engineer: string;
let operator: string;
let manager: string;
let records: AlertRecords;

beforeAll(async () => {
  world = await startApiWorld(DB);
  engineer = await world.token({ roles: ['Engineer'], sub: 'erin' });
  operator = await world.token({ roles: ['Operator'], sub: 'otto' });
  manager = await world.token({ roles: ['Manager'], sub: 'mia' });
  const store = await CosmosAlertStore.create(
    cosmosClient({ COSMOS_ENDPOINT: world.cosmos.endpoint, COSMOS_KEY: world.cosmos.key }),
    DB,
    { createIfMissing: true },
  );
  records = new AlertRecords({ store });
});
afterAll(() => world?.stop());

const RULE = {
  name: 'Bath temperature high',
  scope: { tag: 'bathTemp', lineId: 'L1' },
  condition: { kind: 'above', raise: 975, clear: 965 },
  severity: 'warning',
  channels: ['ops-webhook'],
};
const FREEZE = { constraints: [{ scope: 'cell', cellId: 'L1-C003', variable: 'acdCm', freeze: true }] };

/** The queued events in every outbox container of the world's database. */
async function outboxDocs(): Promise<{ container: string; event: PlantEvent }[]> {
  const db = world.cosmosClient().database(DB);
  const found = await Promise.all(
    OUTBOX_CONTAINERS.map(async (c) => {
      const { resources } = await db
        .container(c.name)
        .items.query<{ event: PlantEvent }>({
          query: 'SELECT * FROM c WHERE c.kind = @kind',
          parameters: [{ name: '@kind', value: OUTBOX_KIND }],
        })
        .fetchAll()
        .catch(() => ({ resources: [] as { event: PlantEvent }[] }));
      return resources.map((r) => ({ container: c.name, event: r.event }));
    }),
  );
  return found.flat();
}

/** "type subject" of the events the topic took from the `from`th on, in order, for the given subjects. */
const publishedFor = (from: number, ...subjects: string[]) =>
  world.topic.published
    .slice(from)
    .filter((e) => subjects.includes(e.subject))
    .map((e) => `${e.type} ${e.subject}`);

const ok = (r: Reply, status: number) => {
  expect(r.status, r.text).toBe(status);
  return r;
};

/**
 * Every write of every resource that publishes an event; `tag` (the number of a line of the test plant) keeps the ids
 * of two runs apart. `etags` maps each model id, and `plant`, to the ETag the API answered for its last version.
 */
async function writeEverything(tag: string): Promise<{ modelIds: string[]; etags: Record<string, string> }> {
  const etags: Record<string, string> = {};
  const plant = ok(await world.call(routes.plantGet, getPlantModel, { token: manager }), 200);
  const edited = structuredClone((plant.json as { model: { areas: { lines: { name: string }[] }[] } }).model);
  edited.areas[0]!.lines[0]!.name = `Line one (${tag})`;
  etags.previousPlant = plant.headers.etag!;
  etags.plant = ok(
    await world.call(routes.plantReplace, replacePlantModel, {
      token: manager,
      body: edited,
      headers: { 'if-match': plant.headers.etag! },
    }),
    200,
  ).headers.etag!;

  const m1 = ok(
    await world.call(routes.pdeModelsCreate, createPdeModel, { token: engineer, body: PLANT_EXAMPLE }),
    201,
  );
  const id1 = (m1.json as { modelId: string }).modelId;
  const replaced = ok(
    await world.call(routes.pdeModelsReplace, replacePdeModel, {
      token: engineer,
      params: { modelId: id1 },
      body: { ...PLANT_EXAMPLE, description: 'replaced' },
      headers: { 'if-match': m1.headers.etag! },
    }),
    200,
  );
  etags[id1] = replaced.headers.etag!;
  const m2 = ok(
    await world.call(routes.pdeModelsCreate, createPdeModel, { token: engineer, body: PLANT_EXAMPLE }),
    201,
  );
  const id2 = (m2.json as { modelId: string }).modelId;
  ok(
    await world.call(routes.pdeModelsDelete, deletePdeModel, {
      token: engineer,
      params: { modelId: id2 },
      headers: { 'if-match': m2.headers.etag! },
    }),
    204,
  );
  etags[id2] = m2.headers.etag!;

  const r1 = ok(
    await world.call(routes.alertRulesCreate, createAlertRule, {
      token: engineer,
      body: { ruleId: `kept-${tag}`, ...RULE },
    }),
    201,
  );
  ok(
    await world.call(routes.alertRulesReplace, replaceAlertRule, {
      token: engineer,
      params: { ruleId: `kept-${tag}` },
      body: { ...RULE, condition: { kind: 'above', raise: 980, clear: 970 } },
      headers: { 'if-match': r1.headers.etag! },
    }),
    200,
  );
  ok(
    await world.call(routes.alertRulesCreate, createAlertRule, {
      token: engineer,
      body: { ruleId: `gone-${tag}`, ...RULE },
    }),
    201,
  );
  ok(
    await world.call(routes.alertRulesDelete, deleteAlertRule, { token: engineer, params: { ruleId: `gone-${tag}` } }),
    204,
  );

  ok(
    await world.call(routes.lineConstraintsReplace, replaceLineConstraintsHandler, {
      token: engineer,
      params: { lineId: `L${tag}` },
      body: { constraints: [{ ...FREEZE.constraints[0], cellId: `L${tag}-C003` }] },
    }),
    200,
  );

  const scope = { kind: 'cell', cellId: `L${tag}-C001` };
  ok(
    await world.call(routes.overridesRequest, requestOverride, {
      token: operator,
      body: { scope, reason: 'anode change' },
    }),
    201,
  );
  ok(
    await world.call(routes.overridesRelease, releaseOverride, {
      token: manager,
      body: { scope, reason: 'anode set' },
    }),
    200,
  );

  const { alert } = await records.raise({
    conditionKey: 'bath-hot',
    scopeKey: `L${tag}-C002`,
    ruleId: 'bath-hot',
    lineId: `L${tag}`,
    cellId: `L${tag}-C002`,
    title: 'Bath hot',
    severity: 'warning',
    channels: [],
    atMs: Date.now(),
  });
  ok(
    await world.call(routes.alertsAcknowledge, acknowledgeAlertById, {
      token: operator,
      params: { alertId: alert.id },
    }),
    200,
  );
  return { modelIds: [id1, id2], etags };
}

/** What `writeEverything` publishes, per resource in the order the writes happened. */
const expectedFor = (tag: string, [id1, id2]: string[]) => ({
  'test-site': ['smelter.plant-model.changed'],
  [id1!]: ['smelter.model.changed', 'smelter.model.changed'],
  [id2!]: ['smelter.model.changed', 'smelter.model.changed'],
  [`kept-${tag}`]: ['smelter.alert-rule.changed', 'smelter.alert-rule.changed'],
  [`gone-${tag}`]: ['smelter.alert-rule.changed', 'smelter.alert-rule.changed'],
  [`L${tag}`]: ['smelter.constraints.changed'],
  [`cell:L${tag}-C001`]: ['smelter.override.changed', 'smelter.override.changed'],
  [`L${tag}-C002`]: ['smelter.alert.raised', 'smelter.alert.acknowledged'],
});

/** The changes each event records, per subject, in the order the topic took them. */
function changesBySubject(subjects: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of world.topic.published.filter((x) => subjects.includes(x.subject))) {
    const d = e.data as { change?: string; version?: number; mode?: string; action?: string };
    (out[e.subject] ??= []).push(d.change ?? d.action ?? [d.mode, `v${d.version}`].filter(Boolean).join(' '));
  }
  return out;
}

describe('the outbox through the API', () => {
  it('answers every write with success while the topic is down; the sweep then publishes each event once, in order', async () => {
    const sentBefore = world.topic.sent.length;
    const publishedBefore = world.topic.published.length;
    world.topic.down = true;
    let written;
    try {
      written = await writeEverything('2');
    } finally {
      world.topic.down = false;
    }
    const expected = expectedFor('2', written.modelIds);
    const subjects = Object.keys(expected);
    expect(world.topic.sent.length).toBe(sentBefore);
    const queued = await outboxDocs();
    expect(queued.map((q) => q.event.subject).sort()).toEqual(
      subjects.flatMap((s) => expected[s]!.map(() => s)).sort(),
    );

    // Reads and lists show the resources, never the queued events.
    const models = ok(await world.call(routes.pdeModelsList, listPdeModels, { token: engineer }), 200);
    expect((models.json as { items: { modelId: string }[] }).items.map((m) => m.modelId)).toEqual([
      written.modelIds[0],
    ]);
    ok(
      await world.call(routes.pdeModelsGet, getPdeModel, {
        token: engineer,
        params: { modelId: written.modelIds[1]! },
      }),
      404,
    );
    const rules = ok(await world.call(routes.alertRulesList, listAlertRules, { token: engineer }), 200);
    expect((rules.json as { items: { ruleId: string }[] }).items.map((r) => r.ruleId)).toEqual(['kept-2']);
    ok(await world.call(routes.alertRulesGet, getAlertRule, { token: engineer, params: { ruleId: 'gone-2' } }), 404);
    const constraints = ok(
      await world.call(routes.lineConstraintsGet, getLineConstraintsHandler, {
        token: engineer,
        params: { lineId: 'L2' },
      }),
      200,
    );
    expect(constraints.json).toMatchObject({ version: 1 });
    const overrides = ok(await world.call(routes.overridesList, listOverrides, { token: operator }), 200);
    expect(overrides.json).toMatchObject({ items: [] });
    const alerts = ok(await world.call(routes.alertsList, listAlertsPage, { token: operator }), 200);
    expect((alerts.json as { items: { scopeKey: string }[] }).items.map((a) => a.scopeKey)).toEqual(['L2-C002']);

    // The topic is back: one sweep publishes everything, the next finds nothing.
    expect(await sweepOnce()).toMatchObject({ published: queued.length, notRemoved: 0, unreadable: [] });
    expect(await sweepOnce()).toMatchObject({ published: 0 });
    expect(await outboxDocs()).toEqual([]);
    const sent = world.topic.sent.slice(sentBefore);
    expect(sent).toHaveLength(queued.length);
    expect(new Set(sent).size).toBe(sent.length);
    for (const s of subjects)
      expect(
        publishedFor(publishedBefore, s).map((x) => x.split(' ')[0]),
        s,
      ).toEqual(expected[s]);
    expect(changesBySubject(subjects.filter((s) => s !== 'test-site'))).toEqual({
      [written.modelIds[0]!]: ['created', 'replaced'],
      [written.modelIds[1]!]: ['created', 'deleted'],
      'kept-2': ['created', 'replaced'],
      'gone-2': ['created', 'deleted'],
      L2: ['v1'],
      'cell:L2-C001': ['manual v1', 'released v2'],
      'L2-C002': ['raised', 'acknowledged'],
    });
    // The events name the versions the API answered.
    const [, replacedEvent] = world.topic.published.filter((e) => e.subject === written.modelIds[0]);
    expect(replacedEvent!.data).toMatchObject({ change: 'replaced', etag: written.etags[written.modelIds[0]!] });
    const plantEvents = world.topic.published.slice(publishedBefore).filter((e) => e.subject === 'test-site');
    expect(plantEvents.map((e) => e.data)).toMatchObject([
      {
        version: written.etags.plant!.slice(1, -1),
        previousVersion: written.etags.previousPlant!.slice(1, -1),
        changedBy: 'mia',
      },
    ]);
  });

  it('loses nothing when a publish fails right after its write (the process died in between): the sweep sends it once', async () => {
    const sentBefore = world.topic.sent.length;
    const publishedBefore = world.topic.published.length;
    // Each write's own publish is its first request to the topic: refuse exactly that one, every time.
    const realCall = world.call;
    const call: typeof world.call = async (route, handler, o) => {
      world.topic.refuseNext = 1;
      try {
        return await realCall(route, handler, o);
      } finally {
        world.topic.refuseNext = 0;
      }
    };
    world.call = call;
    let written;
    try {
      written = await writeEverything('3');
    } finally {
      world.call = realCall;
    }
    const expected = expectedFor('3', written.modelIds);
    const subjects = Object.keys(expected);
    // Every write's own publish was refused: nothing reached the topic.
    expect(world.topic.sent.length).toBe(sentBefore);
    expect(await sweepOnce()).toMatchObject({ published: 14, notRemoved: 0 });
    expect(await sweepOnce()).toMatchObject({ published: 0 });
    const sent = world.topic.sent.slice(sentBefore);
    expect(sent).toHaveLength(14);
    expect(new Set(sent).size).toBe(14);
    for (const s of subjects)
      expect(
        publishedFor(publishedBefore, s).map((x) => x.split(' ')[0]),
        s,
      ).toEqual(expected[s]);
  });

  it('publishes a change the topic held back before a newer change of the same resource, without waiting for the sweep', async () => {
    world.topic.down = true;
    let created;
    try {
      created = ok(
        await world.call(routes.pdeModelsCreate, createPdeModel, { token: engineer, body: PLANT_EXAMPLE }),
        201,
      );
    } finally {
      world.topic.down = false;
    }
    const modelId = (created.json as { modelId: string }).modelId;
    expect(publishedFor(0, modelId)).toEqual([]);
    ok(
      await world.call(routes.pdeModelsReplace, replacePdeModel, {
        token: engineer,
        params: { modelId },
        body: PLANT_EXAMPLE,
        headers: { 'if-match': created.headers.etag! },
      }),
      200,
    );
    expect(changesBySubject([modelId])).toEqual({ [modelId]: ['created', 'replaced'] });
    expect(await outboxDocs()).toEqual([]);
  });
});
