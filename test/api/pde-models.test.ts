import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPdeModel } from '../../functions/api/pde-models-create.js';
import { deletePdeModel } from '../../functions/api/pde-models-delete.js';
import { getPdeModel } from '../../functions/api/pde-models-get.js';
import { listPdeModels } from '../../functions/api/pde-models-list.js';
import { replacePdeModel } from '../../functions/api/pde-models-replace.js';
import { routes } from '../../shared/api/routes.js';
import { deterministicEventId } from '../../shared/messaging/cloud-event.js';
import { MODEL_EVENT_SOURCE, PdeModelChangedData } from '../../shared/models/events.js';
import { PdeModel, PdeModelCreated, PdeModelPage } from '../../shared/api/pde-model-schemas.js';
import { PLANT_EXAMPLE, startApiWorld, type ApiWorld } from './harness.js';
import { sweepOnce } from './outbox-sweep.js';

let world: ApiWorld;
let engineer: string;
let operator: string;

beforeAll(async () => {
  world = await startApiWorld('pde-models-test');
  engineer = await world.token({ roles: ['Engineer'], sub: 'alice' });
  operator = await world.token({ roles: ['Operator'], sub: 'olga' });
});
afterAll(() => world?.stop());

const create = (body: unknown = PLANT_EXAMPLE, headers: Record<string, string> = {}) =>
  world.call(routes.pdeModelsCreate, createPdeModel, { token: engineer, body, headers });

describe('pde-models', () => {
  it('creates pde-001 from the plant example and answers the agreed 201 shape', async () => {
    const res = await create(PLANT_EXAMPLE, { 'x-correlation-id': 'erp-4711' });
    expect(res.status).toBe(201);
    const body = PdeModelCreated.parse(res.json);
    expect(body).toMatchObject({ modelId: 'pde-001', modelName: 'FourierHeatModel', status: 'created' });
    expect(body.links).toEqual([{ rel: 'self', href: '/industrial-automation/smelting-ops/v1/pde-models/pde-001' }]);
    expect(Date.parse(body.creationTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.headers.location).toBe(body.links[0]!.href);
    expect(res.headers.etag).toMatch(/^".+"$/);
    expect(res.headers['x-request-id']).toBe('erp-4711');
  });

  it('records who created it, when and under which correlation id in the audit container', async () => {
    const client = new CosmosClient({
      endpoint: world.cosmos.endpoint,
      key: world.cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { resources } = await client
      .database('pde-models-test')
      .container('audit')
      .items.query({
        query: 'SELECT * FROM c WHERE c.correlationId = @c',
        parameters: [{ name: '@c', value: 'erp-4711' }],
      })
      .fetchAll();
    expect(resources).toHaveLength(1);
    expect(resources[0]).toMatchObject({
      action: 'pde-model.created',
      resource: 'pde-models/pde-001',
      subject: 'alice',
      day: new Date().toISOString().slice(0, 10),
    });
  });

  it('allocates distinct consecutive ids under concurrent creates', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, () => create()));
    const ids = replies.map((r) => (r.json as { modelId: string }).modelId).sort();
    expect(replies.every((r) => r.status === 201)).toBe(true);
    expect(ids).toEqual(['pde-002', 'pde-003', 'pde-004', 'pde-005', 'pde-006', 'pde-007', 'pde-008', 'pde-009']);
  });

  it('reads a model back with its ETag, for operators too', async () => {
    const res = await world.call(routes.pdeModelsGet, getPdeModel, { token: operator, params: { modelId: 'pde-001' } });
    expect(res.status).toBe(200);
    const model = PdeModel.parse(res.json);
    expect(model).toMatchObject({
      modelId: 'pde-001',
      parameters: PLANT_EXAMPLE.parameters,
      createdBy: 'alice',
      description: PLANT_EXAMPLE.description,
    });
    expect(res.headers.etag).toMatch(/^".+"$/);
  });

  it('lists every model exactly once across pages, in id order', async () => {
    const seen: string[] = [];
    let query = 'pageSize=4';
    for (let pages = 0; pages < 10; pages++) {
      const res = await world.call(routes.pdeModelsList, listPdeModels, { token: operator, query });
      expect(res.status).toBe(200);
      const page = PdeModelPage.parse(res.json);
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((m) => m.modelId));
      if (!page.continuationToken) break;
      expect(page.links.find((l) => l.rel === 'next')?.href).toContain(page.continuationToken);
      query = `pageSize=4&continuationToken=${page.continuationToken}`;
    }
    expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => `pde-00${i + 1}`));
  });

  it('rejects a continuation token it did not issue, and page sizes out of bounds', async () => {
    for (const query of ['continuationToken=bm90LW91cnM', 'pageSize=0', 'pageSize=101', 'pageSize=2.5', 'colour=red']) {
      const res = await world.call(routes.pdeModelsList, listPdeModels, { token: operator, query });
      expect(res.status, query).toBe(400);
      expect(res.json).toMatchObject({ code: 'ERR-4001' });
    }
  });

  it('replaces with a matching If-Match, and answers 412 ERR-4121 to a stale one', async () => {
    const read = await world.call(routes.pdeModelsGet, getPdeModel, {
      token: engineer,
      params: { modelId: 'pde-002' },
    });
    const etag = read.headers.etag!;
    const next = {
      modelName: 'FourierHeatModel',
      parameters: { ...PLANT_EXAMPLE.parameters, thermalConductivity: 180 },
    };
    const ok = await world.call(routes.pdeModelsReplace, replacePdeModel, {
      token: engineer,
      params: { modelId: 'pde-002' },
      body: next,
      headers: { 'if-match': etag },
    });
    expect(ok.status).toBe(200);
    const model = PdeModel.parse(ok.json);
    expect(model.parameters).toEqual(next.parameters);
    expect(model.description).toBeUndefined();
    expect(ok.headers.etag).not.toBe(etag);
    const stale = await world.call(routes.pdeModelsReplace, replacePdeModel, {
      token: engineer,
      params: { modelId: 'pde-002' },
      body: next,
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.json).toMatchObject({ code: 'ERR-4121', details: [{ field: 'header.if-match' }] });
  });

  it('replaces without If-Match as last writer wins, even with concurrent writers (never a 412 the caller did not ask for)', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => ({
      modelName: 'FourierHeatModel',
      parameters: { ...PLANT_EXAMPLE.parameters, thermalConductivity: 100 + i },
    }));
    const replies = await Promise.all(
      bodies.map((body) =>
        world.call(routes.pdeModelsReplace, replacePdeModel, { token: engineer, params: { modelId: 'pde-003' }, body }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    const read = PdeModel.parse(
      (await world.call(routes.pdeModelsGet, getPdeModel, { token: engineer, params: { modelId: 'pde-003' } })).json,
    );
    expect(bodies.map((b) => b.parameters)).toContainEqual(read.parameters);
  });

  it('deletes only with a matching If-Match, then answers 404 ERR-4042 and never reuses the id', async () => {
    const stale = await world.call(routes.pdeModelsDelete, deletePdeModel, {
      token: engineer,
      params: { modelId: 'pde-009' },
      headers: { 'if-match': '"old"' },
    });
    expect(stale.status).toBe(412);
    const gone = await world.call(routes.pdeModelsDelete, deletePdeModel, {
      token: engineer,
      params: { modelId: 'pde-009' },
    });
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    for (const [route, handler] of [
      [routes.pdeModelsGet, getPdeModel],
      [routes.pdeModelsDelete, deletePdeModel],
    ] as const) {
      const res = await world.call(route, handler, { token: engineer, params: { modelId: 'pde-009' } });
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ code: 'ERR-4042' });
    }
    const replaced = await world.call(routes.pdeModelsReplace, replacePdeModel, {
      token: engineer,
      params: { modelId: 'pde-009' },
      body: PLANT_EXAMPLE,
    });
    expect(replaced.status).toBe(404);
    expect((await create()).json).toMatchObject({ modelId: 'pde-010' });
  });

  it('publishes smelter.model.changed for every create, replace and delete, for the ledger, with ids from model, change and ETag', async () => {
    const changes = world.topic.published.filter((e) => e.type === 'smelter.model.changed');
    const data = changes.map((e) => PdeModelChangedData.parse(e.data));
    // pde-001 … pde-009 created, pde-002 replaced once, pde-003 eight times by concurrent writers, pde-009 deleted,
    // pde-010 created (earlier cases of this file): one event per change that took effect.
    expect(
      data
        .filter((d) => d.change === 'created')
        .map((d) => d.modelId)
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `pde-${String(i + 1).padStart(3, '0')}`));
    const others = data.filter((d) => d.change !== 'created').map((d) => `${d.change} ${d.modelId}`);
    expect(others.filter((c) => c !== 'replaced pde-003')).toEqual(['replaced pde-002', 'deleted pde-009']);
    expect(others.filter((c) => c === 'replaced pde-003')).toHaveLength(8);
    const replaced = changes[data.findIndex((d) => d.change === 'replaced')]!;
    expect(replaced).toMatchObject({
      subject: 'pde-002',
      source: MODEL_EVENT_SOURCE,
      data: { changedBy: 'alice', parameters: { ...PLANT_EXAMPLE.parameters, thermalConductivity: 180 } },
    });
    expect(replaced.id).toBe(
      deterministicEventId(
        replaced.type,
        MODEL_EVENT_SOURCE,
        'pde-002',
        `pde-002/replaced/${(replaced.data as { etag: string }).etag}`,
      ),
    );
    expect(new Set(changes.map((e) => e.id)).size).toBe(changes.length);
  });

  it('answers 201 while the topic is down: the model is stored, its ledger event waits in the outbox, and the sweep publishes it once', async () => {
    world.topic.down = true;
    let res;
    try {
      res = await create();
    } finally {
      world.topic.down = false;
    }
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ modelId: 'pde-011' });
    expect(res.logged).toEqual([expect.stringContaining('the outbox sweep publishes it')]);
    const stored = await world.call(routes.pdeModelsGet, getPdeModel, {
      token: engineer,
      params: { modelId: 'pde-011' },
    });
    expect(stored.status).toBe(200);
    expect(world.topic.published.filter((e) => e.subject === 'pde-011')).toEqual([]);
    await sweepOnce();
    await sweepOnce();
    const events = world.topic.published.filter((e) => e.subject === 'pde-011');
    expect(events.map((e) => PdeModelChangedData.parse(e.data))).toMatchObject([
      { change: 'created', modelId: 'pde-011', etag: stored.headers.etag },
    ]);
    expect(world.topic.sent.filter((id) => id === events[0]!.id)).toHaveLength(1);
  });

  it('answers 400 naming path.modelId for a malformed id', async () => {
    const res = await world.call(routes.pdeModelsGet, getPdeModel, { token: engineer, params: { modelId: 'model-1' } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'path.modelId' }] });
  });
});

describe('pde-models body bounds', () => {
  it('rejects malformed JSON with 400 ERR-4001', async () => {
    const res = await world.call(routes.pdeModelsCreate, createPdeModel, {
      token: engineer,
      rawBody: '{"modelName": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body', issue: 'malformed JSON' }] });
  });

  it('rejects a body over MAX_BODY_BYTES with 413 ERR-4131', async () => {
    const big = { ...PLANT_EXAMPLE, description: 'x'.repeat(70_000) };
    const res = await create(big);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: 'ERR-4131' });
  });

  it('rejects a non-JSON content type with 415 ERR-4151', async () => {
    const res = await world.call(routes.pdeModelsCreate, createPdeModel, {
      token: engineer,
      rawBody: JSON.stringify(PLANT_EXAMPLE),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ code: 'ERR-4151', details: [{ field: 'header.content-type' }] });
  });

  it('rejects unknown top-level fields (documented: rejected, not ignored), naming them', async () => {
    const res = await create({ ...PLANT_EXAMPLE, descripton: 'typo' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body', issue: expect.stringContaining('descripton') }],
    });
  });

  it('parses parameters against the physics model they name: the partial PUT body is refused naming the missing field', async () => {
    // Accepted, audited and put on the ledger before, it failed only when run.
    const partial = await create({ modelName: 'FourierHeatModel', parameters: { thermalConductivity: 180 } });
    expect(partial.status).toBe(400);
    expect(partial.json).toMatchObject({ code: 'ERR-4001' });
    const fields = (partial.json as { details: { field: string }[] }).details.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.parameters.initialTemperature', 'body.parameters.boundaryConditions']),
    );
    const negative = await create({
      ...PLANT_EXAMPLE,
      parameters: { ...PLANT_EXAMPLE.parameters, thermalConductivity: -1 },
    });
    expect(negative.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body.parameters.thermalConductivity' }],
    });
    const unknown = await create({ ...PLANT_EXAMPLE, modelName: 'NavierStokesModel' });
    expect(unknown.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body.modelName' }] });
  });

  it('names the offending field of an invalid body', async () => {
    const res = await create({ modelName: '', parameters: [] });
    expect(res.status).toBe(400);
    const fields = (res.json as { details: { field: string }[] }).details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.modelName', 'body.parameters']));
  });
});
