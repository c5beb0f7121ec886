import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import { base64url, CompactSign, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import { createTokenVerifier, requireAccess, type VerifyToken } from './auth.js';
import { ApiError } from './errors.js';

let issuer: DevIssuer;
let verify: VerifyToken;
let keyDir: string;

beforeAll(async () => {
  keyDir = await mkdtemp(path.join(tmpdir(), 'dev-issuer-'));
  issuer = await startDevIssuer({ keyDir });
  verify = createTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
});
afterAll(async () => {
  await issuer.stop();
  await rm(keyDir, { recursive: true, force: true });
});

const nowS = () => Math.floor(Date.now() / 1000);

/** A token with the dev issuer's key (or another) and any claims, for the cases mintToken refuses to make. */
async function forge(
  claims: JWTPayload,
  opts: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string } = {},
): Promise<string> {
  const base = {
    iss: issuer.issuer,
    aud: issuer.audience,
    sub: 'mallory',
    roles: ['Manager'],
    iat: nowS(),
    exp: nowS() + 600,
  };
  return new SignJWT({ ...base, ...claims })
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? issuer.key.kid })
    .sign(opts.key ?? issuer.key.privateKey);
}

async function expectUnauthorized(authorization: string | undefined): Promise<ApiError> {
  const err = await verify(authorization).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  const apiErr = err as ApiError;
  expect(apiErr.code).toBe('ERR-4011');
  expect(apiErr.status).toBe(401);
  expect(apiErr.message).not.toMatch(/jose|JWS|JWK|signature verification|at .*\.js/i);
  return apiErr;
}

/** A token over claims written as JSON text, for values JSON.stringify cannot write (1e309 parses to Infinity). */
async function forgeText(claimsJson: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(claimsJson))
    .setProtectedHeader({ alg: 'RS256', kid: issuer.key.kid, typ: 'JWT' })
    .sign(issuer.key.privateKey);
}

describe('bearer token verification', () => {
  it('refuses validity times a sound issuer never writes: exp infinite or beyond the lifetime, iat or nbf in the future', async () => {
    const claims = (times: string) =>
      `{"iss":"${issuer.issuer}","aud":"${issuer.audience}","sub":"mallory","roles":["Manager"],${times}}`;
    await expectUnauthorized(`Bearer ${await forgeText(claims(`"iat":${nowS()},"exp":1e309`))}`);
    await expectUnauthorized(`Bearer ${await forge({ exp: nowS() + 10 * 365 * 86_400 })}`);
    await expectUnauthorized(`Bearer ${await forge({ exp: nowS() + 86_400 + 3600 })}`);
    await expectUnauthorized(`Bearer ${await forge({ iat: nowS() + 3600 })}`);
    await expectUnauthorized(`Bearer ${await forge({ nbf: nowS() + 3600 })}`);
    // Within the skew and the lifetime: accepted.
    await expect(verify(`Bearer ${await forge({ iat: nowS() + 30, exp: nowS() + 86_000 })}`)).resolves.toMatchObject({
      subject: 'mallory',
    });
    const short = createTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      maxLifetimeS: 900,
    });
    await expect(short(`Bearer ${await forge({ exp: nowS() + 3600 })}`)).rejects.toMatchObject({ code: 'ERR-4011' });
  });

  it('accepts a token from the trusted issuer and reads subject, client id and known roles', async () => {
    const token = await issuer.mint({ roles: ['Engineer'], sub: 'alice', azp: 'erp-client' });
    const p = await verify(`Bearer ${token}`);
    expect(p).toEqual({ subject: 'alice', clientId: 'erp-client', roles: ['Engineer'] });
  });

  it('ignores roles the platform does not know', async () => {
    const p = await verify(`Bearer ${await forge({ roles: ['Engineer', 'Admin', 42] })}`);
    expect(p.roles).toEqual(['Engineer']);
  });

  it('tolerates expiry within the 60 s clock skew', async () => {
    await expect(verify(`Bearer ${await forge({ exp: nowS() - 30 })}`)).resolves.toMatchObject({ subject: 'mallory' });
  });

  it('rejects a missing or malformed Authorization header', async () => {
    await expectUnauthorized(undefined);
    await expectUnauthorized('');
    await expectUnauthorized('Basic dXNlcjpwYXNz');
    await expectUnauthorized('Bearer not-a-jwt');
  });

  it('rejects an expired token and says to get a new one', async () => {
    const err = await expectUnauthorized(`Bearer ${await forge({ exp: nowS() - 120 })}`);
    expect(err.message).toMatch(/expired/);
  });

  it('rejects a token that is not yet valid', async () => {
    await expectUnauthorized(`Bearer ${await forge({ nbf: nowS() + 300 })}`);
  });

  it('rejects a wrong audience and a wrong issuer', async () => {
    await expectUnauthorized(`Bearer ${await issuer.mint({ roles: ['Manager'], audience: 'api://someone-else' })}`);
    await expectUnauthorized(`Bearer ${await issuer.mint({ roles: ['Manager'], issuer: 'https://evil.example' })}`);
  });

  it('rejects an unsigned token (alg none)', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(
      JSON.stringify({
        iss: issuer.issuer,
        aud: issuer.audience,
        sub: 'mallory',
        roles: ['Manager'],
        exp: nowS() + 600,
      }),
    );
    await expectUnauthorized(`Bearer ${header}.${payload}.`);
  });

  it('rejects a token signed with an unknown key, whether it reuses the trusted kid or names its own', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await expectUnauthorized(`Bearer ${await forge({}, { key: privateKey })}`);
    await expectUnauthorized(`Bearer ${await forge({}, { key: privateKey, kid: 'attacker-key' })}`);
  });

  it('rejects HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const pem = await exportSPKI(createPublicKey({ key: issuer.key.publicJwk as never, format: 'jwk' }) as never);
    await expectUnauthorized(`Bearer ${await forge({}, { alg: 'HS256', key: new TextEncoder().encode(pem) })}`);
    await expectUnauthorized(
      `Bearer ${await forge({}, { alg: 'HS256', key: new TextEncoder().encode(JSON.stringify(issuer.key.publicJwk)) })}`,
    );
  });

  it('rejects a token without a subject', async () => {
    await expectUnauthorized(`Bearer ${await forge({ sub: undefined })}`);
  });

  it('answers 503 (retry) rather than 401 when the issuer keys cannot be fetched', async () => {
    const offline = createTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: 'http://127.0.0.1:9/keys',
    });
    const err = await offline(`Bearer ${await issuer.mint({ roles: ['Engineer'] })}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ERR-5031', status: 503 });
  });

  it('refuses a plain-http JWKS address off this machine', () => {
    expect(() => createTokenVerifier({ issuer: 'x', audience: 'y', jwksUri: 'http://login.example.com/keys' })).toThrow(
      /https/,
    );
  });
});

describe('role check', () => {
  it('answers 403 ERR-4033 naming the missing role', () => {
    let err: unknown;
    try {
      requireAccess(['Engineer', 'Manager'], { subject: 's', clientId: 'c', roles: ['Operator'] });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ERR-4033', status: 403 });
    expect((err as ApiError).message).toMatch(/Engineer, Manager/);
  });

  it('lets any listed role through and everyone through a public route', () => {
    expect(() =>
      requireAccess(['Engineer', 'Manager'], { subject: 's', clientId: 'c', roles: ['Manager'] }),
    ).not.toThrow();
    expect(() => requireAccess('public', { subject: 's', clientId: 'c', roles: [] })).not.toThrow();
  });
});
