/**
 * Fuzz (fast-check, fixed seed) over every route in the table: JSON bodies, raw body text and content types, query
 * strings, path ids, headers and Authorization values. Whatever arrives, the answer is never a 500 and never shows a
 * stack trace; every refusal is the platform's error body. Inputs are built from each route's own schema and working
 * example, so values near the valid ones reach the deeper checks.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathParamNames, routeTable, type RouteSpec } from '../../shared/api/routes.js';
import { handlersByRoute } from './handlers.js';
import { startApiWorld, type ApiWorld, type Reply } from './harness.js';
import { exampleOf, resolveExample, type ExampleRequest } from './route-examples.js';

let world: ApiWorld;
let manager: string;
const examples = new Map<string, ExampleRequest>();

beforeAll(async () => {
  world = await startApiWorld('fuzz-test', { durable: true, lake: true });
  manager = await world.token({ roles: ['Manager'], sub: 'fuzzer' });
  for (const route of routeTable) examples.set(route.name, await resolveExample(world, exampleOf(route).ok));
});
afterAll(() => world?.stop());

/** Fixed seed so a failure replays; runs per route kept small so the file stays within seconds. */
const FC = { seed: 20_261_122, numRuns: 30 };
const STACK = /\bat .+[(:]\d+|\.ts:\d+|node_modules|Error:\s|\bstack\b/;

function expectWellFormed(route: RouteSpec, res: Reply): void {
  expect(res.status, `${route.name}: ${res.text.slice(0, 500)}`).toBeLessThan(500);
  if (res.status < 400) return;
  // Refusals only: a successful body carries plant data (timestamps like "…At":"…T08:00") the pattern would misread.
  expect(res.text, route.name).not.toMatch(STACK);
  expect(res.json).toMatchObject({
    code: expect.stringMatching(/^ERR-\d{4}$/),
    message: expect.any(String),
    details: expect.any(Array),
  });
}

const call = (route: RouteSpec, o: ExampleRequest & { token?: string }) =>
  world.call(route, handlersByRoute[route.name]!, { token: manager, ...o });
const headerSafe = fc.string({ maxLength: 200 }).filter((s) => !/[\r\n\0]/.test(s) && s === s.trim());

/** Values a caller might put where the example has `v`: the example itself, its neighbours, anything JSON. */
function near(v: unknown): fc.Arbitrary<unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const shape = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, near(x)]));
    return fc.oneof(fc.record(shape, { requiredKeys: [] }), fc.jsonValue());
  }
  return fc.oneof(fc.constant(v), fc.jsonValue(), fc.string(), fc.double(), fc.integer());
}

/** Text that looks like the parameters these routes take: instants, dates, numbers, ids, tokens, and junk. */
const paramText = fc.oneof(
  fc.string(),
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    'L1',
    'L1-C001',
    'L1-LINE',
    'cellVoltage',
    'hour',
    'day',
    'pde-001',
    `cmd-${'0'.repeat(32)}`,
    'bm90LW91cnM',
    '',
  ),
);

/** Query strings for a route: its own parameter names (and others) with values near the example's. */
function queries(route: RouteSpec, example: ExampleRequest): fc.Arbitrary<string> {
  const schema = z.toJSONSchema(route.query!, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
  };
  const names = Object.keys(schema.properties ?? {});
  const given = [...new URLSearchParams(example.query ?? '')];
  // Names that are object keys in JavaScript as well: one assigned instead of defined slipped past the strict schema.
  const protoNames = fc.constantFrom('__proto__', 'constructor', 'toString', '__proto__[pageSize]', 'hasOwnProperty');
  const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), protoNames, fc.string()), paramText), {
    maxLength: 6,
  });
  const mutated = fc
    .tuple(fc.nat(), paramText)
    .map(([i, v]) => given.map(([k, x], j) => [k, j === i % Math.max(1, given.length) ? v : x] as [string, string]));
  return fc.oneof(pairs, mutated).map((p) => new URLSearchParams(p).toString());
}

describe('fuzz: never a 500, never a stack trace', () => {
  it('over JSON bodies of every route that takes one', async () => {
    for (const route of routeTable.filter((r) => r.body)) {
      const example = examples.get(route.name)!;
      const extras = fc
        .dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 })
        .map((x) => ({ ...(example.body as object), ...x }));
      await fc.assert(
        fc.asyncProperty(fc.oneof(near(example.body), extras, fc.jsonValue()), async (body) => {
          expectWellFormed(route, await call(route, { ...example, body }));
        }),
        FC,
      );
    }
  });

  it('over bodies nested past the depth limit, very wide bodies and __proto__ keys, on every route that takes a body', async () => {
    // Deep values where the example has a value (a PDE model's parameters once overflowed the Cosmos SDK: 500).
    const deepText = fc
      .tuple(fc.integer({ min: 33, max: 5000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);
    const hostile = (example: Record<string, unknown>) => {
      const keys = Object.keys(example);
      const at = fc.constantFrom(...(keys.length > 0 ? keys : ['x']));
      return fc.oneof(
        fc
          .tuple(at, deepText)
          .map(([k, deep]) => `${JSON.stringify({ ...example, [k]: null }).slice(0, -1)},"${k}":${deep}}`),
        deepText,
        fc.tuple(at, fc.jsonValue()).map(([k, v]) => {
          const inner = JSON.stringify({ ...((example[k] ?? {}) as object) }).slice(1, -1);
          return JSON.stringify({ ...example, [k]: null }).replace(
            `"${k}":null`,
            `"${k}":{${inner}${inner ? ',' : ''}"__proto__":${JSON.stringify(v) ?? 'null'}}`,
          );
        }),
        fc.constant(`${JSON.stringify(example).slice(0, -1)},"__proto__":{"admin":true}}`),
        fc.integer({ min: 10_001, max: 12_000 }).map((n) => `[${'0,'.repeat(n - 1)}0]`),
      );
    };
    for (const route of routeTable.filter((r) => r.body)) {
      const example = examples.get(route.name)!;
      await fc.assert(
        fc.asyncProperty(hostile((example.body ?? {}) as Record<string, unknown>), async (rawBody) => {
          const res = await call(route, {
            params: example.params ?? {},
            rawBody,
            headers: { ...example.headers, 'content-type': 'application/json' },
          });
          expectWellFormed(route, res);
          // Never accepted: each breaks a limit or the route's schema.
          expect(res.status, `${route.name}: ${rawBody.slice(0, 120)}`).toBeGreaterThanOrEqual(400);
        }),
        { ...FC, numRuns: 8 },
      );
    }
  });

  it('over raw body text and content types of every route that takes a body', async () => {
    const rawText = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
      fc.uint8Array({ maxLength: 64 }),
    );
    const contentTypes = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'application/json; charset=utf-8',
      'text/plain',
      '',
      'application/vnd.x+json',
      'multipart/form-data',
    );
    for (const route of routeTable.filter((r) => r.body)) {
      const example = examples.get(route.name)!;
      await fc.assert(
        fc.asyncProperty(rawText, contentTypes, async (rawBody, contentType) => {
          expectWellFormed(
            route,
            await call(route, { params: example.params ?? {}, rawBody, headers: { 'content-type': contentType } }),
          );
        }),
        FC,
      );
    }
  });

  it('over query strings of every route that takes a query', async () => {
    for (const route of routeTable.filter((r) => r.query)) {
      const example = examples.get(route.name)!;
      await fc.assert(
        fc.asyncProperty(queries(route, example), async (query) => {
          expectWellFormed(route, await call(route, { ...example, query }));
        }),
        FC,
      );
    }
  });

  it('over path ids of every route with path parameters', async () => {
    for (const route of routeTable.filter((r) => pathParamNames(r.path).length > 0)) {
      const example = examples.get(route.name)!;
      const params = fc.record(
        Object.fromEntries(
          pathParamNames(route.path).map((n) => [n, fc.oneof(paramText, fc.constant(example.params?.[n] ?? ''))]),
        ),
      );
      await fc.assert(
        fc.asyncProperty(params, async (p) => {
          expectWellFormed(route, await call(route, { ...example, params: p }));
        }),
        FC,
      );
    }
  });

  it('over correlation ids and the headers each route declares (If-Match) on every route', async () => {
    for (const route of routeTable) {
      const example = examples.get(route.name)!;
      await fc.assert(
        fc.asyncProperty(headerSafe, headerSafe, async (corr, value) => {
          const declared = Object.fromEntries((route.requestHeaders ?? []).map((h) => [h.name.toLowerCase(), value]));
          const res = await call(route, {
            ...example,
            headers: { ...example.headers, ...declared, ...(corr ? { 'x-correlation-id': corr } : {}) },
          });
          expectWellFormed(route, res);
          expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
        }),
        { ...FC, numRuns: 10 },
      );
    }
  });

  it('over Authorization headers on every protected route: always 401', async () => {
    const auth = fc.oneof(
      fc.string(),
      fc.string().map((s) => `Bearer ${s}`),
      fc
        .tuple(fc.base64String(), fc.base64String(), fc.base64String())
        .map((p) => `Bearer ${p.join('.').replace(/[+/=]/g, '')}`),
    );
    for (const route of routeTable.filter((r) => r.access !== 'public')) {
      const example = examples.get(route.name)!;
      await fc.assert(
        fc.asyncProperty(
          auth.filter((s) => !/[\r\n\0]/.test(s) && s === s.trim()),
          async (authorization) => {
            const res = await world.call(route, handlersByRoute[route.name]!, {
              ...example,
              headers: { ...example.headers, authorization },
            });
            expectWellFormed(route, res);
            expect(res.status).toBe(401);
          },
        ),
        { ...FC, numRuns: 15 },
      );
    }
  });
});
