import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isLoopback, settings } from '../config/settings.js';
import { ApiError } from './errors.js';
import { isAllowed, knownRoles, type Access, type Role } from './roles.js';

/** Signature algorithms accepted on API tokens: asymmetric only, so a public key can never act as an HMAC secret. */
export const ALLOWED_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;
/** Clock skew tolerated on exp/nbf/iat, seconds (Entra ID guidance: a few minutes at most; we keep it tight). */
export const CLOCK_SKEW_S = 60;
/** JWKS cache lifetime, ms: keys are refetched at least this often so rotation is picked up (jose default 10 min). */
const JWKS_MAX_AGE_MS = 10 * 60_000;
/** Minimum time between JWKS refetches triggered by an unknown `kid`, ms (stops token floods hammering the issuer). */
const JWKS_COOLDOWN_MS = 30_000;
/** JWKS fetch timeout, ms. */
const JWKS_TIMEOUT_MS = 5_000;

/** The authenticated caller of a request. */
export interface Principal {
  /** Token subject (`sub`): the user or service principal; recorded as "who" in the audit trail. */
  subject: string;
  /** The calling application (`azp`, v1 `appid`, else `sub`): the rate-limit key. */
  clientId: string;
  roles: Role[];
  /** Display name when the token carries one (`name` or `preferred_username`). */
  name?: string;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** Longest a token may still be valid for, s (`exp` at most this far ahead); default DEFAULT_MAX_TOKEN_LIFETIME_S. */
  maxLifetimeS?: number;
}

/**
 * Default of AUTH_MAX_TOKEN_LIFETIME_S: a day, the longest lifetime Entra ID lets a tenant configure for a token
 * (its access tokens default to 60–90 minutes), and the longest the development issuer mints.
 */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 86_400;

export type VerifyToken = (authorization: string | null | undefined) => Promise<Principal>;

const unauthorized = (message: string) =>
  new ApiError('unauthorized', message, [{ field: 'header.authorization', issue: 'missing or invalid bearer token' }], {
    'www-authenticate': 'Bearer error="invalid_token"',
  });

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Builds a verifier for `Authorization: Bearer <JWT>`: signature against the issuer's JWKS (cached, refetched on an
 * unknown key id), issuer, audience, exp/nbf with CLOCK_SKEW_S, asymmetric algorithms only; `exp` finite and at most
 * the configured lifetime ahead, `iat` and `nbf` not in the future beyond the skew. Every token failure is a
 * 401 ERR-4011 whose message tells the caller what to do and never the verifier's internals; an unreachable JWKS is
 * a 503 ERR-5031 so clients retry instead of discarding good tokens.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): VerifyToken {
  const url = new URL(opts.jwksUri);
  if (url.protocol !== 'https:' && !isLoopback(opts.jwksUri)) {
    throw new Error(
      `AUTH_JWKS_URI must use https (plain http only for the local dev issuer on loopback): ${opts.jwksUri}`,
    );
  }
  const jwks = createRemoteJWKSet(url, {
    cacheMaxAge: JWKS_MAX_AGE_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
    timeoutDuration: JWKS_TIMEOUT_MS,
  });
  // Separates "this token names no key we trust" (401) from "the issuer's keys could not be fetched" (503).
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (err) {
      if (
        err instanceof errors.JWKSNoMatchingKey ||
        err instanceof errors.JWKSMultipleMatchingKeys ||
        err instanceof errors.JOSENotSupported
      )
        throw err;
      throw new KeysUnavailable();
    }
  };
  return async (authorization) => {
    if (!authorization)
      throw unauthorized(
        'Authorization header missing: send "Authorization: Bearer <token>" with a token issued for this API.',
      );
    const match = BEARER.exec(authorization.trim());
    if (!match) throw unauthorized('Authorization header malformed: expected "Bearer <JWT>".');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, getKey, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw tokenFailure(err);
    }
    checkTimes(payload, opts.maxLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S);
    return principalOf(payload);
  };
}

class KeysUnavailable extends Error {}

/**
 * What jose leaves open: an `exp` of 1e309 parses to Infinity (a number, so "valid"; it never expires), an `exp` years
 * ahead outlives every key rotation, and an `iat` in the future is checked only with maxTokenAge. A signed token with
 * any of them was minted by a broken or compromised issuer: refused like any other bad token.
 */
function checkTimes(payload: JWTPayload, maxLifetimeS: number): void {
  const nowS = Date.now() / 1000;
  const refuse = () =>
    unauthorized(
      "The bearer token's validity times are not credible (expiry too far ahead, or issued in the future): request a new token from the platform's identity provider.",
    );
  const { exp, iat, nbf } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp > nowS + maxLifetimeS + CLOCK_SKEW_S) throw refuse();
  for (const t of [iat, nbf])
    if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t > nowS + CLOCK_SKEW_S)) throw refuse();
}

function tokenFailure(err: unknown): ApiError {
  if (err instanceof errors.JWTExpired)
    return unauthorized('The bearer token has expired: request a new token and retry.');
  if (err instanceof KeysUnavailable) {
    // The token may well be good, so do not tell the caller to discard it.
    return new ApiError(
      'dependencyUnavailable',
      "The identity provider's signing keys could not be fetched; retry shortly.",
      [],
      { 'retry-after': '5' },
    );
  }
  return unauthorized(
    "The bearer token is not valid for this API: request a token from the platform's identity provider for this API's audience.",
  );
}

function principalOf(payload: JWTPayload): Principal {
  const subject = String(payload.sub);
  const clientId =
    [payload['azp'], payload['appid'], payload.sub].find((v): v is string => typeof v === 'string' && v.length > 0) ??
    subject;
  const name = [payload['name'], payload['preferred_username']].find((v): v is string => typeof v === 'string');
  return { subject, clientId, roles: knownRoles(payload['roles']), ...(name ? { name } : {}) };
}

/** Throws 403 ERR-4033 naming the roles that would grant access when the principal holds none of them. */
export function requireAccess(access: Access, principal: Principal): void {
  if (isAllowed(access, principal.roles)) return;
  const needed = access === 'public' ? [] : access;
  throw new ApiError(
    'forbidden',
    `This operation needs one of the app roles ${needed.join(', ')}; the token carries ${principal.roles.length ? principal.roles.join(', ') : 'no known role'}. Ask an administrator to assign the role.`,
    [{ field: 'token.roles', issue: `missing role: one of ${needed.join(', ')}` }],
  );
}

let current: { key: string; verify: VerifyToken } | undefined;
/**
 * The verifier for the process's settings, built once (its JWKS cache lives with it) and rebuilt only when the auth
 * settings change. Missing AUTH_JWKS_URI fails closed: authentication is never switched off.
 */
export function verifyTokenFromSettings(): VerifyToken {
  const s = settings();
  if (!s.AUTH_JWKS_URI)
    throw new Error('App setting AUTH_JWKS_URI is not set: protected API routes cannot verify tokens.');
  const key = `${s.AUTH_ISSUER}|${s.AUTH_AUDIENCE}|${s.AUTH_JWKS_URI}|${s.AUTH_MAX_TOKEN_LIFETIME_S}`;
  if (current?.key !== key) {
    current = {
      key,
      verify: createTokenVerifier({
        issuer: s.AUTH_ISSUER,
        audience: s.AUTH_AUDIENCE,
        jwksUri: s.AUTH_JWKS_URI,
        maxLifetimeS: s.AUTH_MAX_TOKEN_LIFETIME_S,
      }),
    };
  }
  return current.verify;
}
