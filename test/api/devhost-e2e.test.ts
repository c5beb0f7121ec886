import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { startDevhost, type DevhostHandle } from '../../local/devhost/devhost.js';
import { ROUTE_PREFIX, v1Path } from '../../shared/http/paths.js';
import { routeTable } from '../../shared/api/routes.js';
// Not from handlers.ts: importing the functions here would load @azure/functions before the devhost installs its host.
import { exampleParams } from './example-params.js';
import { PLANT_EXAMPLE } from './harness.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let host: DevhostHandle;
let issuer: DevIssuer;
let dir: string;
let engineer: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'api-e2e-'));
  issuer = await startDevIssuer({ keyDir: path.join(dir, 'keys') });
  host = await startDevhost({
    appEntry: 'test/api/fixtures/api-app.ts',
    appDir: repoRoot,
    dataDir: path.join(dir, 'data'),
    httpPort: 0,
    startCosmos: true,
    startAzurite: true,
    logLevel: 'none',
    settings: { ...issuer.settings, LakeConnection: 'UseDevelopmentStorage=true', COSMOS_DATABASE: 'api-e2e' },
  });
  engineer = await issuer.mint({ roles: ['Engineer'], sub: 'alice' });
});
afterAll(async () => {
  await host?.stop();
  await issuer?.stop();
  await rm(dir, { recursive: true, force: true });
});

const url = (resource: string) => `${host.httpUrl}${v1Path(resource)}`;

describe('API through the devhost over real HTTP', () => {
  it('creates the plant example at the guideline path and reads it back', async () => {
    const created = await fetch(url('pde-models'), {
      method: 'POST',
      headers: { authorization: `Bearer ${engineer}`, 'content-type': 'application/json', 'x-correlation-id': 'e2e-1' },
      body: JSON.stringify(PLANT_EXAMPLE),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe('e2e-1');
    expect(await created.json()).toMatchObject({
      modelId: 'pde-001',
      modelName: 'FourierHeatModel',
      status: 'created',
    });
    const read = await fetch(url('pde-models/pde-001'), { headers: { authorization: `Bearer ${engineer}` } });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toMatch(/^".+"$/);
  });

  it('serves the OpenAPI document without a token and refuses data without one', async () => {
    const doc = await fetch(url('openapi.json'));
    expect(doc.status).toBe(200);
    expect(await doc.json()).toMatchObject({ openapi: '3.1.0' });
    const denied = await fetch(url('pde-models'));
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ code: 'ERR-4011' });
  });

  it("routes every method and path of the route table to its function through the host's router", async () => {
    for (const route of routeTable) {
      const resolved = route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) =>
        encodeURIComponent(exampleParams[name] ?? 'x'),
      );
      const res = await fetch(`${host.httpUrl}/${ROUTE_PREFIX}/${resolved}`, {
        method: route.method,
        headers: { 'x-correlation-id': `route-${route.name}` },
      });
      // Our pipeline answered (not the host's "no such route"): it echoes the correlation id; protected routes want a token.
      expect(res.headers.get('x-request-id'), `${route.method} ${route.path}`).toBe(`route-${route.name}`);
      if (route.access !== 'public') expect(res.status, `${route.method} ${route.path}`).toBe(401);
      await res.arrayBuffer();
    }
  });

  it('never answers 500 to a path with malformed or hostile percent-escapes, on any route (fuzz, fixed seed)', async () => {
    const manager = await issuer.mint({ roles: ['Manager'], sub: 'fuzzer' });
    const escape = fc.oneof(
      fc.constantFrom(
        '%',
        '%%',
        '%E0%A4%A',
        '%E0%A4',
        '%C3',
        '%FF',
        '%zz',
        '%2F',
        '%252F',
        '%00',
        '%C0%AF',
        '%ED%A0%80',
      ),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
    );
    const segment = fc.array(fc.oneof(escape, fc.constantFrom('L1', 'C001', 'pde-001', '..', 'x')), {
      minLength: 1,
      maxLength: 4,
    });
    const segments = (route: (typeof routeTable)[number]) =>
      route.path.split('/').map((s) => (/^\{.+\}$/.test(s) ? segment.map((p) => p.join('')) : fc.constant(s)));
    for (const route of routeTable) {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...segments(route)), fc.boolean(), async (parts, inLiteral) => {
          // Sometimes a literal segment gets an escape too (the host then finds no route: 404, not 500).
          const path = inLiteral ? [...parts.slice(0, -1), `${parts.at(-1)}%E0%A4%A`] : parts;
          const res = await fetch(`${host.httpUrl}/${ROUTE_PREFIX}/${path.join('/')}`, {
            method: route.method,
            headers: { authorization: `Bearer ${manager}` },
          });
          const text = await res.text();
          // 503 is the health route's documented answer while a dependency is down; nothing may be a 500.
          expect([500, 501, 502, 504], `${route.method} ${path.join('/')}: ${text.slice(0, 300)}`).not.toContain(
            res.status,
          );
          if (res.status >= 400 && res.status !== 503 && text)
            expect(JSON.parse(text)).toMatchObject({ code: expect.stringMatching(/^ERR-/) });
        }),
        { seed: 20_261_122, numRuns: 12 },
      );
    }
  });

  it('answers 400 naming the limit to a body nested deeper than the limit (the PDE parameters that answered 500)', async () => {
    const res = await fetch(url('pde-models'), {
      method: 'POST',
      headers: { authorization: `Bearer ${engineer}`, 'content-type': 'application/json' },
      body: `{"modelName":"FourierHeatModel","parameters":{"thermalConductivity":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body' }] });
  });

  it('answers 413 to an oversize body sent over the wire', async () => {
    const res = await fetch(url('pde-models'), {
      method: 'POST',
      headers: { authorization: `Bearer ${engineer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...PLANT_EXAMPLE, description: 'x'.repeat(100_000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'ERR-4131' });
  });
});
