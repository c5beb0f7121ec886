/** A new plant-model version is what the next run describes its line with; runs started before keep theirs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOptimizationRun } from '../../functions/api/optimizations-get.js';
import { startOptimizationRun } from '../../functions/api/optimizations-start.js';
import { getPlantModel } from '../../functions/api/plant-get.js';
import { replacePlantModel } from '../../functions/api/plant-replace.js';
import { routes } from '../../shared/api/routes.js';
import { startApiWorld, TEST_PLANT, type ApiWorld } from './harness.js';

let world: ApiWorld;
let manager: string;
beforeAll(async () => {
  world = await startApiWorld('plant-runs-test', { durable: true });
  manager = await world.token({ roles: ['Manager'], sub: 'mona' });
}, 90_000);
afterAll(() => world?.stop());

const versionInForce = async () =>
  (await world.call(routes.plantGet, getPlantModel, { token: manager })).headers.etag!.slice(1, -1);
const start = async (lineId: string) => {
  const res = await world.call(routes.optimizationsStart, startOptimizationRun, {
    token: manager,
    body: { lineId, mode: 'advisory' },
  });
  expect(res.status).toBe(202);
  return String((res.json as { runId: string }).runId);
};
const runView = async (runId: string) =>
  (await world.call(routes.optimizationsGet, getOptimizationRun, { token: manager, params: { runId } })).json as {
    plantVersion?: string;
  };

describe('runs and the plant model in force', () => {
  it('a run records the version in force when it started; after a PUT the next run records the new one', async () => {
    const before = await versionInForce();
    const first = await start('LX1');
    expect(await runView(first)).toMatchObject({ plantVersion: before });

    const model = structuredClone(TEST_PLANT) as { areas: { lines: { name: string }[] }[] };
    model.areas[0]!.lines[0]!.name = 'Line one, relined 2026';
    const put = await world.call(routes.plantReplace, replacePlantModel, {
      token: manager,
      body: model,
      headers: { 'if-match': `"${before}"` },
    });
    expect(put.status).toBe(200);
    const after = await versionInForce();
    expect(after).not.toBe(before);

    const second = await start('LX2');
    expect(await runView(second)).toMatchObject({ plantVersion: after });
    expect(await runView(first)).toMatchObject({ plantVersion: before });
  });

  it('refuses a run on a line the plant model does not have, naming body.lineId', async () => {
    const res = await world.call(routes.optimizationsStart, startOptimizationRun, {
      token: manager,
      body: { lineId: 'L9', mode: 'advisory' },
    });
    expect(res).toMatchObject({ status: 400, json: { code: 'ERR-4001', details: [{ field: 'body.lineId' }] } });
  });
});
