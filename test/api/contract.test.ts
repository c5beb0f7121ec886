/**
 * The API contract of every route in the table, walked from the table itself: the happy path answers a documented
 * status with a body of the documented shape (and a write leaves an audit record), every documented error answers
 * its ERR code, and the pipeline's answers hold everywhere: 400 for a malformed id, unknown or repeated parameters
 * and bad JSON, 401, 413, 415, 429 with Retry-After, 500 without internals. A route added to the table without a
 * handler or an example fails here by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../../shared/config/settings.js';
import { ErrorCodes } from '../../shared/http/errors.js';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';
import type { Role } from '../../shared/http/roles.js';
import { pathParamNames, routeTable, type RouteSpec } from '../../shared/api/routes.js';
import { handlersByRoute } from './handlers.js';
import { startApiWorld, type ApiWorld, type CallOptions, type Reply } from './harness.js';
import { exampleOf, resolveExample, routeExamples, type ExampleRequest } from './route-examples.js';

let world: ApiWorld;

beforeAll(async () => {
  world = await startApiWorld('contract-test', { durable: true, lake: true });
});
afterAll(() => world?.stop());

const doc = buildOpenApiDocument(routeTable) as {
  paths: Record<
    string,
    Record<
      string,
      {
        description: string;
        requestBody?: { content: { 'application/json': { schema: { additionalProperties?: unknown } } } };
      }
    >
  >;
};
const operationOf = (route: RouteSpec) => doc.paths[`/${route.path}`]![route.method.toLowerCase()]!;
const codeFor = (status: number) => Object.values(ErrorCodes).find((c) => c.status === status)?.code;
const isWrite = (route: RouteSpec) => route.method !== 'GET' && !route.changesNothing;
let seq = 0;

/** A caller allowed on the route: its first role (none for a public route), with its own client id. */
async function callerFor(route: RouteSpec): Promise<{ token?: string; sub: string; azp: string }> {
  const n = ++seq;
  const sub = `contract-${n}`;
  const azp = `contract-client-${n}`;
  if (route.access === 'public') return { sub, azp };
  return { token: await world.token({ roles: [route.access[0]!], sub, azp }), sub, azp };
}

async function call(route: RouteSpec, request: ExampleRequest, extra: CallOptions = {}): Promise<Reply> {
  const caller = await callerFor(route);
  return world.call(route, handlersByRoute[route.name]!, {
    ...request,
    ...(caller.token ? { token: caller.token } : {}),
    ...extra,
    headers: { ...request.headers, ...extra.headers },
  });
}

function expectError(res: Reply, status: number, field?: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json).toMatchObject({ code: codeFor(status), message: expect.any(String), details: expect.any(Array) });
  if (field)
    expect((res.json as { details: { field?: string }[] }).details.map((d) => d.field ?? '')).toEqual(
      expect.arrayContaining([expect.stringMatching(field)]),
    );
}

describe('every route has what the suites need', () => {
  it('a handler and an example for each route in the table, and nothing for routes that are gone', () => {
    for (const route of routeTable) {
      expect(
        handlersByRoute[route.name],
        `${route.name}: no module in functions/api exports an apiHandler for it`,
      ).toBeDefined();
      expect(routeExamples[route.name], `${route.name}: add an example to test/api/route-examples.ts`).toBeDefined();
    }
    expect(Object.keys(routeExamples).sort()).toEqual(routeTable.map((r) => r.name).sort());
    expect(Object.keys(handlersByRoute).sort()).toEqual(routeTable.map((r) => r.name).sort());
  });
});

for (const route of routeTable) {
  describe(`${route.method} ${route.path} (${route.name})`, () => {
    it('happy path: a documented 2xx, the documented body shape, the correlation id echoed', async () => {
      const request = await resolveExample(world, exampleOf(route).ok);
      const caller = await callerFor(route);
      const correlationId = `contract-ok-${route.name}`;
      const startedMs = Date.now();
      const res = await world.call(route, handlersByRoute[route.name]!, {
        ...request,
        ...(caller.token ? { token: caller.token } : {}),
        headers: { ...request.headers, 'x-correlation-id': correlationId },
      });
      const documented = Object.keys(route.responses)
        .map(Number)
        .filter((s) => s >= 200 && s < 300);
      expect(documented, res.text).toContain(res.status);
      expect(res.headers['x-request-id']).toBe(correlationId);
      const schema = route.responses[res.status]?.schema;
      if (schema) {
        const parsed = schema.safeParse(res.json);
        expect(
          parsed.success,
          `${route.name} answered a body its documented schema refuses: ${parsed.error?.message}`,
        ).toBe(true);
      } else {
        expect(res.text).toBe('');
      }
      if (isWrite(route)) {
        // Every write is on record: who, what, when, under which correlation id.
        const records = await world.auditRecords(correlationId);
        expect(records.length, `${route.name} wrote no audit record`).toBeGreaterThan(0);
        for (const r of records) {
          expect(r).toMatchObject({ subject: caller.sub, clientId: caller.azp, correlationId });
          expect(r.atMs).toBeGreaterThanOrEqual(startedMs - 1000);
          expect(r.atMs).toBeLessThanOrEqual(Date.now() + 1000);
          expect(r.action).toMatch(/^[a-z-]+\.[a-z-]+$/);
        }
      }
    });

    const errors = Object.entries(exampleOf(route).errors ?? {});
    if (errors.length > 0) {
      it(`answers each documented error with its code (${errors.map(([s]) => s).join(', ')})`, async () => {
        for (const [status, example] of errors) {
          expect(
            route.responses[Number(status)],
            `${route.name} example for ${status} is not a documented response`,
          ).toBeDefined();
          expectError(await call(route, await resolveExample(world, example!)), Number(status));
        }
      });
    }
    if (route.responses[404]) {
      it('has an example for its documented 404', () => {
        expect(
          exampleOf(route).errors?.[404],
          `${route.name} documents 404; give an example in route-examples.ts`,
        ).toBeDefined();
      });
    }

    if (pathParamNames(route.path).length > 0) {
      it('answers 400 ERR-4001 naming the path parameter for a malformed id', async () => {
        const request = await resolveExample(world, exampleOf(route).ok);
        for (const name of pathParamNames(route.path)) {
          expectError(
            await call(route, { ...request, params: { ...request.params, [name]: '../etc' } }),
            400,
            new RegExp(`^path\\.${name}$`),
          );
        }
      });
    }

    it('treats unknown query parameters as its OpenAPI description says', async () => {
      const description = operationOf(route).description;
      const request = await resolveExample(world, exampleOf(route).ok);
      const res = await call(route, { ...request, query: [request.query, 'colour=red'].filter(Boolean).join('&') });
      if (/Unknown query parameters are rejected/.test(description)) {
        expectError(res, 400, /^query/);
        expect(res.text).toContain('colour');
      } else {
        expect(description).toMatch(/Query parameters are ignored|Unknown query parameters are ignored/);
        expect(res.status, res.text).toBeLessThan(300);
      }
      if (route.query) {
        const repeated = await call(route, {
          ...request,
          query: [request.query, 'colour=red&colour=blue'].filter(Boolean).join('&'),
        });
        expectError(repeated, 400, /^query\.colour$/);
      }
    });

    if (route.body) {
      it('body: malformed JSON, empty, not an object → 400; oversize → 413; not JSON → 415', async () => {
        const request = await resolveExample(world, exampleOf(route).ok);
        const json = { 'content-type': 'application/json' };
        expectError(
          await call(route, { ...request, body: undefined, rawBody: '{"scope": {', headers: json }),
          400,
          /^body$/,
        );
        expectError(await call(route, { ...request, body: undefined, rawBody: '', headers: json }), 400, /^body$/);
        expectError(await call(route, { ...request, body: [request.body] }), 400, /^body/);
        const max = route.maxBodyBytes ?? settings().MAX_BODY_BYTES;
        expectError(
          await call(route, { ...request, body: { ...(request.body as object), padding: 'x'.repeat(max) } }),
          413,
        );
        expectError(
          await call(route, {
            ...request,
            body: undefined,
            rawBody: JSON.stringify(request.body),
            headers: { 'content-type': 'text/plain' },
          }),
          415,
          /^header\.content-type$/,
        );
        expectError(
          await call(route, { ...request, body: undefined, rawBody: JSON.stringify(request.body), headers: {} }),
          415,
        );
      });

      it('treats unknown body fields as its OpenAPI schema says (additionalProperties)', async () => {
        const strict =
          operationOf(route).requestBody?.content['application/json'].schema.additionalProperties === false;
        const request = await resolveExample(world, exampleOf(route).ok);
        const res = await call(route, { ...request, body: { ...(request.body as object), colour: 'red' } });
        if (strict) {
          expectError(res, 400, /^body/);
          expect(res.text).toContain('colour');
        } else {
          expect(res.status, res.text).toBeLessThan(300);
        }
      });
    }

    if (route.access !== 'public') {
      it('answers 401 ERR-4011 without a token, with WWW-Authenticate', async () => {
        const res = await world.call(route, handlersByRoute[route.name]!, { params: {} });
        expectError(res, 401, /^header\.authorization$/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      });

      it('answers 429 ERR-4291 with Retry-After once the client is over its rate', async () => {
        const restore = world.withSettings({ RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_BURST: '1' });
        try {
          const token = await world.token({
            roles: [(route.access as readonly Role[])[0]!],
            azp: `rate-${route.name}`,
          });
          const first = await world.call(route, handlersByRoute[route.name]!, { token, params: {} });
          expect(first.status).not.toBe(429);
          const second = await world.call(route, handlersByRoute[route.name]!, { token, params: {} });
          expectError(second, 429);
          expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        } finally {
          restore();
        }
      });

      it('answers 500 ERR-5000 without internals when it cannot work (no JWKS configured), and logs the cause', async () => {
        const restore = world.withSettings({ AUTH_JWKS_URI: undefined });
        try {
          const res = await call(route, { params: {} });
          expectError(res, 500);
          expect(res.text).not.toMatch(/AUTH_JWKS_URI|\bat .+\.(?:ts|js)|Error:/);
          expect(res.json).toMatchObject({ message: expect.stringContaining(res.headers['x-request-id']!) });
          expect(res.logged.join('\n')).toMatch(/AUTH_JWKS_URI/);
        } finally {
          restore();
        }
      });
    }
  });
}
