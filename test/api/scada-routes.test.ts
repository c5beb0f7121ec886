import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOverrides } from '../../functions/api/overrides-list.js';
import { releaseOverride } from '../../functions/api/overrides-release.js';
import { requestOverride } from '../../functions/api/overrides-request.js';
import { getSetpointCommand } from '../../functions/api/setpoint-command.js';
import { getCurrentSetpoints } from '../../functions/api/setpoints-current.js';
import { getSetpointHistory } from '../../functions/api/setpoints-history.js';
import { routes } from '../../shared/api/routes.js';
import type { CommandDoc } from '../../shared/scada/command.js';
import { OverridePage } from '../../shared/api/overrides.js';
import { CellSetPoints, CommandPage, CommandView } from '../../shared/api/setpoints.js';
import { seedCommands, T0 } from './fixtures/commands.js';
import { startApiWorld, type ApiWorld } from './harness.js';

let world: ApiWorld;
let operator: string;
let commands: CommandDoc[];

beforeAll(async () => {
  world = await startApiWorld('scada-routes-test');
  commands = await seedCommands(world.cosmosClient(), world.database);
  operator = await world.token({ roles: ['Operator'], sub: 'olga' });
});
afterAll(() => world?.stop());

const idOf = (rec: string, equipmentId = 'L1-C001') =>
  commands.find((c) => c.recommendationId === rec && c.equipmentId === equipmentId)!.commandId;
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

describe('set points', () => {
  it('reports per field the value the PLC acknowledged last, with the command that set it, and the commands under way', async () => {
    const res = await world.call(routes.setpointsCurrent, getCurrentSetpoints, {
      token: operator,
      params: { cellId: 'L1-C001' },
    });
    expect(res.status, res.text).toBe(200);
    const body = CellSetPoints.parse(res.json);
    expect(body).toMatchObject({ cellId: 'L1-C001', lineId: 'L1' });
    expect(body.setPoints).toEqual({
      acdCm: { value: 4.6, previousValue: 4.5, commandId: idOf('rec-3'), appliedAt: iso(T0 + 20 * MIN + 400) },
      feedIntervalS: { value: 90, previousValue: 95, commandId: idOf('rec-2'), appliedAt: iso(T0 + 10 * MIN + 400) },
      alf3AdditionKgPerDay: { value: 12, commandId: idOf('rec-5'), appliedAt: iso(T0 + 50 * MIN + 400) },
    });
    expect(body.pending.map((c) => [c.commandId, c.state, c.final])).toEqual([[idOf('rec-6'), 'dispatched', false]]);
    expect(body.links.find((l) => l.rel === 'history')?.href).toBe(
      '/industrial-automation/smelting-ops/v1/cells/L1-C001/setpoints/history',
    );
  });

  it('answers an empty picture for a cell never commanded (the id is valid, the store has nothing)', async () => {
    const body = CellSetPoints.parse(
      (
        await world.call(routes.setpointsCurrent, getCurrentSetpoints, {
          token: operator,
          params: { cellId: 'L3-C100' },
        })
      ).json,
    );
    expect(body).toMatchObject({ cellId: 'L3-C100', lineId: 'L3', setPoints: {}, pending: [] });
  });

  it('pages the history newest first, every command exactly once even where two share a millisecond', async () => {
    const seen: string[] = [];
    let query = 'pageSize=2';
    for (let pages = 0; pages < 10; pages++) {
      const res = await world.call(routes.setpointsHistory, getSetpointHistory, {
        token: operator,
        params: { cellId: 'L1-C001' },
        query,
      });
      expect(res.status, res.text).toBe(200);
      const page = CommandPage.parse(res.json);
      seen.push(...page.items.map((c) => c.recommendationId));
      if (!page.continuationToken) break;
      query = `pageSize=2&continuationToken=${page.continuationToken}`;
    }
    expect(seen.slice(0, 1)).toEqual(['rec-6']);
    expect(seen.slice(1, 3).sort()).toEqual(['rec-5', 'rec-7']);
    expect(seen.slice(3)).toEqual(['rec-4', 'rec-3', 'rec-2', 'rec-1']);
  });

  it('limits the history to [from, to) of creation time', async () => {
    const res = await world.call(routes.setpointsHistory, getSetpointHistory, {
      token: operator,
      params: { cellId: 'L1-C001' },
      query: `from=${iso(T0 + 10 * MIN)}&to=${iso(T0 + 50 * MIN)}`,
    });
    expect(CommandPage.parse(res.json).items.map((c) => c.recommendationId)).toEqual(['rec-4', 'rec-3', 'rec-2']);
    const reversed = await world.call(routes.setpointsHistory, getSetpointHistory, {
      token: operator,
      params: { cellId: 'L1-C001' },
      query: `from=${iso(T0)}&to=${iso(T0)}`,
    });
    expect(reversed.status).toBe(400);
    expect(reversed.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'query.to' }] });
  });

  it("shows one command's status with its envelope verdict, or 404 ERR-4042, or 400 for a malformed id", async () => {
    const rejected = await world.call(routes.setpointCommand, getSetpointCommand, {
      token: operator,
      params: { commandId: idOf('rec-4') },
    });
    expect(rejected.status).toBe(200);
    const view = CommandView.parse(rejected.json);
    expect(view).toMatchObject({
      state: 'rejected',
      final: true,
      setPoint: { acdCm: 9.9 },
      violations: [{ rule: 'absolute-limit', field: 'acdCm' }],
    });
    expect(view.history.map((h) => h.state)).toEqual(['proposed', 'rejected']);
    const acked = CommandView.parse(
      (
        await world.call(routes.setpointCommand, getSetpointCommand, {
          token: operator,
          params: { commandId: idOf('rec-1') },
        })
      ).json,
    );
    expect(acked.ack).toEqual({
      appliedAt: iso(T0 + 400),
      applied: { acdCm: 4.5 },
      previous: { acdCm: 4.4 },
      receivedAt: iso(T0 + 500),
    });

    const missing = await world.call(routes.setpointCommand, getSetpointCommand, {
      token: operator,
      params: { commandId: `cmd-${'0'.repeat(32)}` },
    });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'ERR-4042', details: [{ field: 'path.commandId' }] });
    const malformed = await world.call(routes.setpointCommand, getSetpointCommand, {
      token: operator,
      params: { commandId: 'cmd-1' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'path.commandId' }] });
  });

  it("is not the ERP's: Integration is refused with 403 ERR-4033", async () => {
    const erp = await world.token({ roles: ['Integration'] });
    const res = await world.call(routes.setpointsCurrent, getCurrentSetpoints, {
      token: erp,
      params: { cellId: 'L1-C001' },
    });
    expect(res.status).toBe(403);
  });
});

describe('active overrides', () => {
  it("lists the cells and lines in manual now, a page at a time, and one line's when asked", async () => {
    for (const scope of [
      { kind: 'cell', cellId: 'L1-C007' },
      { kind: 'line', lineId: 'L2' },
      { kind: 'cell', cellId: 'L2-C001' },
      { kind: 'cell', cellId: 'L1-C003' },
      { kind: 'cell', cellId: 'L10-C001' },
    ]) {
      const res = await world.call(routes.overridesRequest, requestOverride, {
        token: operator,
        body: { scope, reason: 'shift check' },
      });
      expect(res.status, res.text).toBe(201);
    }
    const seen: string[] = [];
    let query = 'pageSize=2';
    for (let pages = 0; pages < 10; pages++) {
      const res = await world.call(routes.overridesList, listOverrides, { token: operator, query });
      expect(res.status, res.text).toBe(200);
      const page = OverridePage.parse(res.json);
      seen.push(...page.items.map((o) => o.scopeKey));
      if (!page.continuationToken) break;
      query = `pageSize=2&continuationToken=${page.continuationToken}`;
    }
    expect(seen).toEqual(['cell:L1-C003', 'cell:L1-C007', 'cell:L10-C001', 'cell:L2-C001', 'line:L2']);

    const l2 = OverridePage.parse(
      (await world.call(routes.overridesList, listOverrides, { token: operator, query: 'lineId=L2' })).json,
    );
    expect(l2.items.map((o) => o.scopeKey)).toEqual(['cell:L2-C001', 'line:L2']);
    const l1 = OverridePage.parse(
      (await world.call(routes.overridesList, listOverrides, { token: operator, query: 'lineId=L1' })).json,
    );
    expect(l1.items.map((o) => o.scopeKey)).toEqual(['cell:L1-C003', 'cell:L1-C007']);
  });

  it('drops a scope once released', async () => {
    const manager = await world.token({ roles: ['Manager'], sub: 'mgr' });
    const released = await world.call(routes.overridesRelease, releaseOverride, {
      token: manager,
      body: { scope: { kind: 'line', lineId: 'L2' }, reason: 'rectifier back' },
    });
    expect(released.status, released.text).toBe(200);
    const l2 = OverridePage.parse(
      (await world.call(routes.overridesList, listOverrides, { token: operator, query: 'lineId=L2' })).json,
    );
    expect(l2.items.map((o) => o.scopeKey)).toEqual(['cell:L2-C001']);
  });
});
