import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogFromSettings } from '../../shared/azure/cosmos-audit-log.js';
import { routes } from '../../shared/api/routes.js';
import { startApiWorld, type ApiWorld } from '../../test/api/harness.js';
import { releaseOverride } from './overrides-release.js';
import { requestOverride } from './overrides-request.js';

let world: ApiWorld;

beforeAll(async () => {
  world = await startApiWorld('overrides-api-test');
});
afterAll(() => world?.stop());

describe('overrides API', () => {
  it('an Operator puts a cell in manual (201, then 200 when asked again, recorded once in the audit trail); only a Manager releases; release of a released scope is 409', async () => {
    const operator = await world.token({ roles: ['Operator'], sub: 'op-7' });
    const manager = await world.token({ roles: ['Manager'], sub: 'mgr-1' });
    const body = { scope: { kind: 'cell', cellId: 'L1-C005' }, reason: 'anode change' };

    const first = await world.call(routes.overridesRequest, requestOverride, {
      token: operator,
      body,
      headers: { 'x-correlation-id': 'shift-42' },
    });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ scopeKey: 'cell:L1-C005', mode: 'manual', requestedBy: 'op-7', version: 1 });
    expect((await world.call(routes.overridesRequest, requestOverride, { token: operator, body })).status).toBe(200);

    const byOperator = await world.call(routes.overridesRelease, releaseOverride, {
      token: operator,
      body: { ...body, reason: 'done' },
    });
    expect(byOperator.status).toBe(403);
    const released = await world.call(routes.overridesRelease, releaseOverride, {
      token: manager,
      body: { ...body, reason: 'done' },
    });
    expect(released.status, released.text).toBe(200);
    expect(released.json).toMatchObject({ mode: 'released', releasedBy: 'mgr-1', version: 2 });
    const again = await world.call(routes.overridesRelease, releaseOverride, {
      token: manager,
      body: { ...body, reason: 'done' },
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'ERR-4091' });

    const audit = await auditLogFromSettings();
    expect(await audit.byCorrelationId('shift-42')).toEqual([
      expect.objectContaining({
        action: 'override.requested',
        resource: 'overrides/cell:L1-C005',
        subject: 'op-7',
        detail: expect.objectContaining({ reason: 'anode change', version: 1 }),
      }),
    ]);
    // One event per change, sent once: the repeat and the refused release change nothing, so they publish nothing.
    const changes = world.topic.published.filter(
      (e) => e.type === 'smelter.override.changed' && e.subject === 'cell:L1-C005',
    );
    expect(changes.map((e) => e.data as Record<string, unknown>).map((d) => [d['mode'], d['changedBy']])).toEqual([
      ['manual', 'op-7'],
      ['released', 'mgr-1'],
    ]);
    expect(world.topic.sent.filter((id) => changes.some((e) => e.id === id))).toHaveLength(2);
  });

  it('refuses a scope that is neither a cell nor a line with ERR-4001 naming the field', async () => {
    const operator = await world.token({ roles: ['Operator'] });
    const res = await world.call(routes.overridesRequest, requestOverride, {
      token: operator,
      body: { scope: { kind: 'plant' }, reason: 'all' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'ERR-4001', details: [{ field: expect.stringMatching(/^body\.scope/) }] });
  });
});
