import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes, routeTable, type RouteSpec } from '../../shared/http/routes.js';
import { exampleParams, handlersByRoute } from './handlers.js';
import { PLANT_EXAMPLE, startApiWorld, type ApiWorld, type Reply } from './harness.js';

let world: ApiWorld;
let manager: string;

beforeAll(async () => {
  world = await startApiWorld('fuzz-test', { durable: true });
  manager = await world.token({ roles: ['Manager'], sub: 'fuzzer' });
});
afterAll(() => world?.stop());

/** Fixed seed so a failure replays; runs per property kept small so the file stays a few seconds. */
const FC = { seed: 20_261_122, numRuns: 40 };
const STACK = /\bat .+[(:]\d+|\.ts:\d+|node_modules|Error:\s|\bstack\b/;

function expectWellFormed(res: Reply): void {
  expect(res.status, res.text).toBeLessThan(500);
  expect(res.text).not.toMatch(STACK);
  if (res.status >= 400) expect(res.json).toMatchObject({ code: expect.stringMatching(/^ERR-\d{4}$/), message: expect.any(String), details: expect.any(Array) });
}

/** Bodies near the valid one (so the schema's deeper checks are reached) and anything JSON at all. */
const bodies = fc.oneof(
  fc.jsonValue(),
  fc.record({
    modelName: fc.oneof(fc.string(), fc.constant('FourierHeatModel'), fc.jsonValue()),
    parameters: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    description: fc.oneof(fc.string(), fc.jsonValue()),
  }, { requiredKeys: [] }),
  fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => ({ ...PLANT_EXAMPLE, ...extra })),
);
const rawText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)));
const queryText = fc.array(fc.tuple(fc.oneof(fc.constantFrom('pageSize', 'continuationToken'), fc.string()), fc.string()), { maxLength: 4 })
  .map((pairs) => new URLSearchParams(pairs).toString());

describe('fuzz: never a 500, never a stack trace', () => {
  it('over JSON bodies for every body route', async () => {
    for (const route of routeTable.filter((r) => r.body)) {
      await fc.assert(fc.asyncProperty(bodies, async (body) => {
        expectWellFormed(await world.call(route, handlersByRoute[route.name]!, { token: manager, params: exampleParams, body }));
      }), FC);
    }
  });

  it('over raw body text and content types', async () => {
    const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', '', 'application/vnd.x+json');
    await fc.assert(fc.asyncProperty(rawText, contentTypes, async (rawBody, contentType) => {
      expectWellFormed(await world.call(routes.pdeModelsCreate, handlersByRoute[routes.pdeModelsCreate.name]!, { token: manager, rawBody, headers: { 'content-type': contentType } }));
    }), FC);
  });

  it('over query strings for every route with a query', async () => {
    for (const route of routeTable.filter((r) => r.query)) {
      await fc.assert(fc.asyncProperty(queryText, async (query) => {
        expectWellFormed(await world.call(route, handlersByRoute[route.name]!, { token: manager, query }));
      }), FC);
    }
  });

  it('over path ids, If-Match and correlation headers', async () => {
    const headerValue = fc.string({ maxLength: 200 }).filter((s) => !/[\r\n\0]/.test(s) && s === s.trim());
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('pde-001', 'pde-0000001', 'pde-')), headerValue, headerValue, async (modelId, ifMatch, corr) => {
      for (const route of [routes.pdeModelsGet, routes.pdeModelsReplace, routes.pdeModelsDelete] as readonly RouteSpec[]) {
        expectWellFormed(await world.call(route, handlersByRoute[route.name]!, {
          token: manager,
          params: { modelId },
          ...(route.body ? { body: PLANT_EXAMPLE } : {}),
          headers: { ...(ifMatch ? { 'if-match': ifMatch } : {}), ...(corr ? { 'x-correlation-id': corr } : {}) },
        }));
      }
    }), FC);
  });

  it('over alert rule bodies near a valid one, and alert and rule ids in paths', async () => {
    const near = fc.record({
      ruleId: fc.oneof(fc.string(), fc.constantFrom('fuzz-rule', 'a'.repeat(65))),
      name: fc.oneof(fc.string(), fc.jsonValue()),
      scope: fc.oneof(fc.jsonValue(), fc.record({ tag: fc.string(), lineId: fc.string(), cellId: fc.string() }, { requiredKeys: [] })),
      condition: fc.oneof(
        fc.jsonValue(),
        fc.record({ kind: fc.constantFrom('above', 'below', 'outside_band', 'rate_of_change', 'missing_data', 'sideways'), raise: fc.double(), clear: fc.double(), afterS: fc.double(), raisePerMin: fc.double(), clearPerMin: fc.double() }, { requiredKeys: ['kind'] }),
      ),
      raiseForS: fc.oneof(fc.double(), fc.jsonValue()),
      severity: fc.oneof(fc.constantFrom('info', 'warning', 'critical'), fc.string()),
      channels: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
      escalation: fc.oneof(fc.jsonValue(), fc.record({ afterMin: fc.double(), channels: fc.array(fc.string()) }, { requiredKeys: [] })),
    }, { requiredKeys: [] });
    const id = fc.oneof(fc.string(), fc.constantFrom('bath-hot', 'al-0123456789abcdef01234567', 'al-', '..'));
    await fc.assert(fc.asyncProperty(near, id, async (body, pathId) => {
      for (const route of [routes.alertRulesCreate, routes.alertRulesReplace] as readonly RouteSpec[]) {
        expectWellFormed(await world.call(route, handlersByRoute[route.name]!, { token: manager, params: { ruleId: pathId }, body }));
      }
      for (const route of [routes.alertRulesGet, routes.alertRulesDelete, routes.alertsAcknowledge] as readonly RouteSpec[]) {
        expectWellFormed(await world.call(route, handlersByRoute[route.name]!, { token: manager, params: { ruleId: pathId, alertId: pathId } }));
      }
    }), FC);
  });

  it('over Authorization headers', async () => {
    const auth = fc.oneof(fc.string(), fc.string().map((s) => `Bearer ${s}`), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => `Bearer ${p.join('.').replace(/[+/=]/g, '')}`));
    await fc.assert(fc.asyncProperty(auth.filter((s) => !/[\r\n\0]/.test(s) && s === s.trim()), async (authorization) => {
      const res = await world.call(routes.pdeModelsList, handlersByRoute[routes.pdeModelsList.name]!, { headers: { authorization } });
      expectWellFormed(res);
      expect(res.status).toBe(401);
    }), FC);
  });
});
