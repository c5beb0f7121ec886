import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadOrCreateSigningKey, type SigningKey } from './keys.js';
import { DEV_AUDIENCE, DEV_ISSUER, mintToken, type MintOptions } from './mint.js';

export interface DevIssuer {
  issuer: string;
  audience: string;
  /** http://127.0.0.1:<port>/discovery/keys — point AUTH_JWKS_URI here. */
  jwksUri: string;
  /** The app settings that make the API trust this issuer. */
  settings: { AUTH_ISSUER: string; AUTH_AUDIENCE: string; AUTH_JWKS_URI: string };
  key: SigningKey;
  /** A token for this issuer and audience (overridable per call). */
  mint(options?: MintOptions): Promise<string>;
  stop(): Promise<void>;
}

export interface DevIssuerOptions {
  keyDir?: string;
  issuer?: string;
  audience?: string;
}

/**
 * Serves OpenID metadata and the JWKS of the development key over HTTP on a free loopback port, so the API verifies
 * local tokens exactly as it verifies Entra ID ones (remote JWKS, kid lookup, caching).
 */
export async function startDevIssuer(options: DevIssuerOptions = {}): Promise<DevIssuer> {
  const key = await loadOrCreateSigningKey(options.keyDir);
  const issuer = options.issuer ?? DEV_ISSUER;
  const audience = options.audience ?? DEV_AUDIENCE;
  let base = '';
  const server: Server = createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (route === '/.well-known/openid-configuration') {
      return send(200, {
        issuer,
        jwks_uri: `${base}/discovery/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
      });
    }
    if (route === '/discovery/keys') return send(200, { keys: [key.publicJwk] });
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwksUri = `${base}/discovery/keys`;
  return {
    issuer,
    audience,
    jwksUri,
    settings: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URI: jwksUri },
    key,
    mint: (o = {}) => mintToken(key, { issuer, audience, ...o }),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
