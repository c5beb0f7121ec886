import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPlantModel } from '../../functions/api/plant-get.js';
import { replacePlantModel } from '../../functions/api/plant-replace.js';
import { PlantView } from '../../shared/api/plant.js';
import { routes } from '../../shared/api/routes.js';
import { PlantModelChangedData } from '../../shared/plant/events.js';
import { startApiWorld, TEST_PLANT, type ApiWorld } from './harness.js';

let world: ApiWorld;
let manager: string;
beforeAll(async () => {
  world = await startApiWorld('plant-test');
  manager = await world.token({ roles: ['Manager'], sub: 'mona' });
});
afterAll(() => world?.stop());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const edited = (change: (m: any) => void) => {
  const m = structuredClone(TEST_PLANT);
  change(m);
  return m;
};
const get = async () =>
  world.call(routes.plantGet, getPlantModel, { token: await world.token({ roles: ['Integration'], sub: 'erp' }) });
const put = (body: unknown, ifMatch?: string, correlation = 'plant-put') =>
  world.call(routes.plantReplace, replacePlantModel, {
    token: manager,
    body,
    headers: { ...(ifMatch ? { 'if-match': ifMatch } : {}), 'x-correlation-id': correlation },
  });

describe('v1/plant', () => {
  it('serves the plant model in force to every role, the ERP integration included, with its version as the ETag', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const view = PlantView.parse(res.json);
    expect(view).toMatchObject({ fromFile: true, model: { site: { id: 'test-site' } } });
    expect(res.headers.etag).toBe(`"${view.version}"`);
  });

  it('refuses a bad model naming the path, and keeps the version in force', async () => {
    const before = (await get()).headers.etag!;
    const bad = await put(
      edited((m) => (m.areas[0].lines[1].envelope.fields.acdCm.min = 9)),
      before,
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body.areas.0.lines.1.envelope.fields.acdCm.min' }],
    });
    expect((await get()).headers.etag).toBe(before);
  });

  it('replaces only over the version read: If-Match required, a stale one refused', async () => {
    const model = edited((m) => (m.areas[0].lines[0].name = 'Line one'));
    expect(await put(model)).toMatchObject({
      status: 412,
      json: { code: 'ERR-4121', details: [{ field: 'header.if-match', issue: 'required' }] },
    });
    expect(await put(model, '"sha256:0000000000000000"')).toMatchObject({ status: 412, json: { code: 'ERR-4121' } });
  });

  it('stores a good model as the version in force, audits it and puts it on the ledger', async () => {
    const before = (await get()).headers.etag!;
    const model = edited((m) => (m.areas[0].lines[0].envelope.fields.lineCurrentKA.max = 134));
    const res = await put(model, before, 'plant-v2');
    expect(res.status).toBe(200);
    const view = PlantView.parse(res.json);
    expect(view.fromFile).toBe(false);
    expect(view.model.areas[0]!.lines[0]!.envelope.fields.lineCurrentKA.max).toBe(134);
    expect(res.headers.etag).not.toBe(before);
    expect((await get()).headers.etag).toBe(res.headers.etag);
    expect(await world.auditRecords('plant-v2')).toMatchObject([
      { action: 'plant-model.replaced', resource: 'plant', subject: 'mona' },
    ]);
    const events = world.topic.published.filter((e) => e.type === 'smelter.plant-model.changed');
    expect(events.map((e) => PlantModelChangedData.parse(e.data))).toMatchObject([
      { version: view.version, previousVersion: before.slice(1, -1), changedBy: 'mona', site: 'test-site' },
    ]);
  });
});
