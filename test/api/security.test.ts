import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../shared/http/roles.js';
import { routes, routeTable, type RouteSpec } from '../../shared/api/routes.js';
import { exampleParams, handlersByRoute } from './handlers.js';
import { PLANT_EXAMPLE, startApiWorld, type ApiWorld, type CallOptions } from './harness.js';
import { exampleOf, resolveExample } from './route-examples.js';
import { forgeToken, hostileTokens } from './tokens.js';

let world: ApiWorld;

beforeAll(async () => {
  world = await startApiWorld('security-test', { durable: true, lake: true });
});
afterAll(() => world?.stop());

const handlerOf = (route: RouteSpec) => {
  const h = handlersByRoute[route.name];
  if (!h) throw new Error(`route ${route.name} has no handler in test/api/handlers.ts`);
  return h;
};
/** A well-formed request shape (auth and role are checked before the inputs are parsed, so its data need not exist). */
const requestFor = (route: RouteSpec, token?: string): CallOptions => ({
  ...(token ? { token } : {}),
  params: exampleParams,
  ...(route.body ? { body: PLANT_EXAMPLE } : {}),
});
const protectedRoutes = routeTable.filter((r) => r.access !== 'public');

describe('role matrix (walks the route table)', () => {
  it('has a handler for every route in the table', () => {
    for (const route of routeTable) expect(handlersByRoute[route.name], route.name).toBeDefined();
  });

  it('answers 403 ERR-4033 naming the needed roles to every role a route does not allow, and to a token without a known role', async () => {
    let checked = 0;
    for (const route of protectedRoutes) {
      const allowed = route.access as readonly string[];
      for (const role of ALL_ROLES.filter((r) => !allowed.includes(r))) {
        const res = await world.call(route, handlerOf(route), requestFor(route, await world.token({ roles: [role] })));
        expect(res.status, `${route.name} as ${role}`).toBe(403);
        expect(res.json).toMatchObject({
          code: 'ERR-4033',
          message: expect.stringContaining(allowed.join(', ')),
          details: [{ field: 'token.roles' }],
        });
        checked++;
      }
      for (const [what, token] of [
        ['no role', await world.token({ roles: [] })],
        ['an unknown role', await forgeToken(world.issuer, { roles: ['Admin'] })],
      ]) {
        const res = await world.call(route, handlerOf(route), requestFor(route, token));
        expect(res.status, `${route.name} with ${what}`).toBe(403);
        expect(res.json).toMatchObject({ code: 'ERR-4033' });
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("serves every allowed role: the route's working example answers a documented 2xx for each", async () => {
    for (const route of protectedRoutes) {
      for (const role of route.access as readonly string[]) {
        const request = await resolveExample(world, exampleOf(route).ok);
        const res = await world.call(route, handlerOf(route), {
          ...request,
          token: await world.token({ roles: [role as 'Engineer'] }),
        });
        const documented = Object.keys(route.responses)
          .map(Number)
          .filter((s) => s < 300);
        expect(documented, `${route.name} as ${role}: ${res.status} ${res.text}`).toContain(res.status);
      }
    }
  });

  it('serves public routes without a token', async () => {
    for (const route of routeTable.filter((r) => r.access === 'public')) {
      const res = await world.call(route, handlerOf(route), await resolveExample(world, exampleOf(route).ok));
      expect(res.status, `${route.name}: ${res.text}`).toBe(200);
    }
  });
});

describe('authentication on every protected route', () => {
  it('answers 401 ERR-4011 with WWW-Authenticate and the request id to a missing or foreign token', async () => {
    const foreign = await world.token({ roles: ['Manager'], audience: 'api://other-app' });
    for (const route of protectedRoutes) {
      for (const token of [undefined, foreign]) {
        const res = await world.call(route, handlerOf(route), {
          ...requestFor(route, token),
          headers: { 'x-correlation-id': 'trace-1' },
        });
        expect(res.status, route.name).toBe(401);
        expect(res.json).toMatchObject({ code: 'ERR-4011' });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.headers['x-request-id']).toBe('trace-1');
      }
    }
  });

  it('answers 401 ERR-4011 on every protected route to each hostile token: expired, not yet valid, never expiring or valid for years, issued in the future, wrong audience or issuer, alg none, unknown key, HS256 with the public key', async () => {
    const hostile = await hostileTokens(world.issuer);
    expect(Object.keys(hostile)).toHaveLength(12);
    for (const route of protectedRoutes) {
      for (const [kind, token] of Object.entries(hostile)) {
        const res = await world.call(route, handlerOf(route), requestFor(route, token));
        expect(res.status, `${route.name} with a token that is ${kind}`).toBe(401);
        expect(res.json).toMatchObject({ code: 'ERR-4011', details: [{ field: 'header.authorization' }] });
        expect(res.text).not.toMatch(/jose|JWS|JWK|signature verification|\bat .+\.(?:ts|js)/i);
      }
    }
  });

  it('cannot be switched off: without AUTH_JWKS_URI protected routes fail closed (500, no internals)', async () => {
    const restore = world.withSettings({ AUTH_JWKS_URI: undefined });
    try {
      const token = await world.token({ roles: ['Manager'] });
      const res = await world.call(routes.pdeModelsList, handlerOf(routes.pdeModelsList), { token });
      expect(res.status).toBe(500);
      expect(res.json).toMatchObject({ code: 'ERR-5000' });
      expect(res.text).not.toMatch(/AUTH_JWKS_URI|at .*\.(?:ts|js)/);
      expect(res.logged.join('\n')).toMatch(/AUTH_JWKS_URI/);
    } finally {
      restore();
    }
  });
});

describe('rate limiting per client id', () => {
  it('answers 429 ERR-4291 with Retry-After once a client exceeds its bucket, without affecting other clients', async () => {
    const restore = world.withSettings({ RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '3' });
    try {
      const erp = await world.token({ roles: ['Manager'], sub: 'svc', azp: 'erp-client' });
      const other = await world.token({ roles: ['Manager'], sub: 'svc', azp: 'mes-client' });
      const list = (token: string) => world.call(routes.pdeModelsList, handlerOf(routes.pdeModelsList), { token });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await list(erp)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await list(erp);
      expect(limited.json).toMatchObject({ code: 'ERR-4291' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await list(other)).status).toBe(200);
    } finally {
      restore();
    }
  });
});
