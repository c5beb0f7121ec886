import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../shared/http/auth.js';
import { startDevIssuer, type DevIssuer } from './server.js';

let tmp: string;
let issuer: DevIssuer;
let base: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dev-issuer-sign-in-'));
  issuer = await startDevIssuer({ keyDir: tmp });
  base = new URL(issuer.jwksUri).origin;
});

afterAll(async () => {
  await issuer.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const signIn = (body: unknown) =>
  fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:7080' },
    body: JSON.stringify(body),
  });

describe('the development sign-in (POST /token)', () => {
  it('gives a person a token for the role they picked, which the API verifies like an Entra ID one', async () => {
    const res = await signIn({ roles: ['Operator'], sub: 'olga', name: 'Olga Berg' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 8 * 3600 });
    const verify = createTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
    const principal = await verify(`Bearer ${body.access_token}`);
    expect(principal).toMatchObject({ subject: 'olga', roles: ['Operator'] });
  });

  it('refuses a role the platform does not know, naming the field, and answers the browser’s preflight', async () => {
    const res = await signIn({ roles: ['Admin'], sub: 'mallory' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^roles\.0: /);
    const preflight = await fetch(`${base}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:7080', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
  });
});
