/**
 * Conformance: HTTP triggers behave as Azure's Functions host serves them: route templates and constraints, the
 * auth levels with function, host and master keys, and functionTimeout. Each test names the Microsoft page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import type { InvocationEvent } from '../events.js';
import { waitFor } from '../testing.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'http-app');
let tmp: string;
let dh: DevhostHandle;
const invocations: InvocationEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-http-'));
  dh = await startDevhost({
    appEntry: 'index.ts',
    appDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
  });
  dh.events.on('invocation', (e) => invocations.push(e));
});

afterAll(async () => {
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${dh.httpUrl}/conf/${p}`, { headers });

describe('HTTP trigger', () => {
  // learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#customize-the-http-endpoint
  // (route parameters, constraints, optional parameters, catch-all) and #using-route-parameters.
  it('matches route templates with constraints, optional and catch-all parameters, literals before parameters', async () => {
    const cases: [string, number, unknown][] = [
      ['items/42', 200, { fn: 'itemById', params: { id: '42' } }],
      ['items/latest', 200, { fn: 'itemsLiteral', params: {} }],
      ['items/bolt', 200, { fn: 'itemByName', params: { name: 'bolt' } }],
      ['items/bolt/head', 200, { fn: 'itemByName', params: { name: 'bolt', part: 'head' } }],
      ['files/a/b/c.txt', 200, { fn: 'files', params: { path: 'a/b/c.txt' } }],
      ['items/4x2', 404, undefined],
    ];
    for (const [p, status, body] of cases) {
      const res = await get(p);
      expect(res.status, p).toBe(status);
      if (body) expect(await res.json(), p).toEqual(body);
    }
  });

  // learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#http-auth and
  // learn.microsoft.com/azure/azure-functions/function-keys-how-to: function level takes the function's key or a
  // host key (query `code` or header `x-functions-key`); admin level takes only the master key; 401 otherwise.
  it('enforces authLevel function and admin with function, host and master keys', async () => {
    const { master, host } = dh.keys;
    const fnKey = dh.keys.functionKey('functionLevel');
    expect(new Set([master, host, fnKey]).size).toBe(3);
    expect((await get('secure/function')).status).toBe(401);
    expect((await get('secure/function?code=not-a-key')).status).toBe(401);
    expect((await get(`secure/function?code=${encodeURIComponent(fnKey)}`)).status).toBe(200);
    expect((await get('secure/function', { 'x-functions-key': host })).status).toBe(200);
    expect((await get('secure/function', { 'x-functions-key': master })).status).toBe(200);
    expect((await get(`secure/function?code=${encodeURIComponent(dh.keys.functionKey('adminLevel'))}`)).status).toBe(
      401,
    );

    expect((await get('secure/admin')).status).toBe(401);
    expect((await get('secure/admin', { 'x-functions-key': host })).status).toBe(401);
    expect((await get(`secure/admin?code=${encodeURIComponent(master)}`)).status).toBe(200);
    // Anonymous routes need no key.
    expect((await get('items/7')).status).toBe(200);
  });

  // learn.microsoft.com/azure/azure-functions/functions-reference-node (HttpResponseInit cookies): the host writes
  // each cookie as a Set-Cookie header.
  it('sends response cookies as Set-Cookie headers', async () => {
    const res = await get('cookie');
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([
      'session=abc; path=/conf; max-age=60; secure; samesite=strict; httponly',
    ]);
  });

  // learn.microsoft.com/azure/azure-functions/functions-host-json#functiontimeout: an invocation that runs longer
  // fails with a timeout; the caller gets a 500.
  it('fails an invocation that outlives host.json functionTimeout', async () => {
    const started = Date.now();
    const res = await get('slow');
    expect(res.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(10_000);
    const failed = await waitFor('the timed-out invocation', () =>
      invocations.find((i) => i.functionName === 'neverReturns'),
    );
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/Timeout value of 00:00:01 exceeded by function 'Functions\.neverReturns'/);
  });
});
