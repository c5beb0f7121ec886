import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey } from './keys.js';
import { startDevIssuer } from './server.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dev-keys-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('development signing key', () => {
  it('is created once and reused, even when several processes ask at the same moment', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => loadOrCreateSigningKey(path.join(dir, 'shared'))));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect((await loadOrCreateSigningKey(path.join(dir, 'shared'))).kid).toBe(keys[0]!.kid);
    expect(keys[0]!.publicJwk).not.toHaveProperty('d');
  });

  it('is served as a public JWKS with OpenID metadata pointing at it', async () => {
    const issuer = await startDevIssuer({ keyDir: path.join(dir, 'served') });
    try {
      const meta = (await (
        await fetch(issuer.jwksUri.replace('/discovery/keys', '/.well-known/openid-configuration'))
      ).json()) as { issuer: string; jwks_uri: string };
      expect(meta).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });
      const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: Record<string, unknown>[] };
      expect(jwks.keys).toEqual([issuer.key.publicJwk]);
      expect(jwks.keys[0]).not.toHaveProperty('d');
    } finally {
      await issuer.stop();
    }
  });
});
