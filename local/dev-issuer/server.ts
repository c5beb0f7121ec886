import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadOrCreateSigningKey, type SigningKey } from './keys.js';
import { z } from 'zod';
import { Role } from '../../shared/http/roles.js';
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

/** A sign-in of the control room's development sign-in page: one person, the role they picked. */
const SignInRequest = z.strictObject({
  roles: z.array(Role).min(1).max(5),
  sub: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(100).optional(),
});
/** Lifetime of a token from the sign-in page, s: one shift (the CLI mints up to a day). */
const SIGN_IN_TTL_S = 8 * 3600;
/** The sign-in page is served from another origin (the control room's), as Entra ID's endpoints are. */
const ANY_ORIGIN = { 'access-control-allow-origin': '*' };
const PREFLIGHT = {
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Serves OpenID metadata and the JWKS of the development key over HTTP on a free loopback port, so the API verifies
 * local tokens exactly as it verifies Entra ID ones (remote JWKS, kid lookup, caching), and `POST /token`, where the
 * control room's development sign-in page gets a token for the role a person picks. The issuer listens on the
 * loopback only: whoever can reach it could already mint tokens with `npm run token`.
 */
export async function startDevIssuer(options: DevIssuerOptions = {}): Promise<DevIssuer> {
  const key = await loadOrCreateSigningKey(options.keyDir);
  const issuer = options.issuer ?? DEV_ISSUER;
  const audience = options.audience ?? DEV_AUDIENCE;
  let base = '';
  const server: Server = createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (status: number, body: unknown, cache = 'max-age=300') => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': cache, ...ANY_ORIGIN });
      res.end(JSON.stringify(body));
    };
    if (route === '/token') {
      if (req.method === 'OPTIONS') return void res.writeHead(204, { ...ANY_ORIGIN, ...PREFLIGHT }).end();
      if (req.method !== 'POST') return send(405, { error: 'POST a sign-in: { roles, sub, name? }' }, 'no-store');
      return void readJson(req).then(async (body) => {
        const parsed = SignInRequest.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return send(400, { error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` }, 'no-store');
        }
        const token = await mintToken(key, { issuer, audience, ...parsed.data, ttlS: SIGN_IN_TTL_S });
        send(200, { access_token: token, token_type: 'Bearer', expires_in: SIGN_IN_TTL_S }, 'no-store');
      });
    }
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
