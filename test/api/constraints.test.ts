/**
 * PUT v1/lines/{lineId}/constraints refuses what the line can never meet, naming each field, and stores nothing:
 * unknown or junk cell ids, min above max, bounds outside the line's range (500 kA on a 140 kA rectifier).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLineConstraintsHandler } from '../../functions/api/line-constraints-get.js';
import { replaceLineConstraintsHandler } from '../../functions/api/line-constraints-replace.js';
import { routes } from '../../shared/api/routes.js';
import { startApiWorld, type ApiWorld } from './harness.js';

let world: ApiWorld;
let engineer: string;
beforeAll(async () => {
  world = await startApiWorld('constraints-test');
  engineer = await world.token({ roles: ['Engineer'], sub: 'erin' });
});
afterAll(() => world?.stop());

const put = (constraints: unknown[], lineId = 'L2') =>
  world.call(routes.lineConstraintsReplace, replaceLineConstraintsHandler, {
    token: engineer,
    params: { lineId },
    body: { constraints },
  });

describe('line constraints against the plant', () => {
  it('stores constraints the line can meet', async () => {
    const res = await put([
      { scope: 'cell', cellId: 'L2-C003', variable: 'acdCm', min: 2.8, max: 3.2, reason: 'anode change' },
      { scope: 'line', variable: 'lineCurrentKA', max: 130 },
    ]);
    expect(res.status).toBe(200);
  });

  it('answers 400 ERR-4001 naming each field the line cannot meet, and keeps what was stored', async () => {
    const before = await world.call(routes.lineConstraintsGet, getLineConstraintsHandler, {
      token: engineer,
      params: { lineId: 'L2' },
    });
    const cases: [unknown[], string][] = [
      [[{ scope: 'cell', cellId: 'L2-C003', variable: 'acdCm', min: 3.5, max: 3 }], 'body.constraints.0.min'],
      [[{ scope: 'line', variable: 'lineCurrentKA', min: 500 }], 'body.constraints.0.min'],
      [[{ scope: 'cell', cellId: 'L2-C999', variable: 'acdCm', max: 3 }], 'body.constraints.0.cellId'],
      [[{ scope: 'cell', cellId: 'L1-C001', variable: 'acdCm', max: 3 }], 'body.constraints.0.cellId'],
      [[{ scope: 'cell', cellId: '../../etc', variable: 'acdCm', max: 3 }], 'body.constraints.0.cellId'],
    ];
    for (const [constraints, field] of cases) {
      const res = await put(constraints);
      expect(res.status, JSON.stringify(constraints)).toBe(400);
      expect(res.json).toMatchObject({ code: 'ERR-4001', details: [expect.objectContaining({ field })] });
    }
    const after = await world.call(routes.lineConstraintsGet, getLineConstraintsHandler, {
      token: engineer,
      params: { lineId: 'L2' },
    });
    expect(after.json).toEqual(before.json);
  });
});
