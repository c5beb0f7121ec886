/** Bearer tokens an attacker or a misconfigured client might send, each of which the API must refuse with 401. */
import { createPublicKey } from 'node:crypto';
import { base64url, CompactSign, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { DevIssuer } from '../../local/dev-issuer/index.js';

const nowS = () => Math.floor(Date.now() / 1000);

/** A token with the dev issuer's key (or another) and any claims, for the cases the issuer's mint refuses to make. */
export async function forgeToken(
  issuer: DevIssuer,
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

/** A token over claims written as JSON text (1e309, which JSON.stringify cannot write, parses to Infinity). */
async function forgeClaimsText(issuer: DevIssuer, claimsJson: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(claimsJson))
    .setProtectedHeader({ alg: 'RS256', kid: issuer.key.kid, typ: 'JWT' })
    .sign(issuer.key.privateKey);
}

/**
 * Every token the acceptance criteria name, all carrying the Manager role (so only the token's defect can refuse
 * them): expired beyond the 60 s skew, not yet valid, never expiring or valid for years, issued in the future, wrong audience, wrong issuer, unsigned (`alg: none`), signed
 * with an unknown key (under the trusted kid and under its own), HS256 with the public key as the HMAC secret.
 */
export async function hostileTokens(issuer: DevIssuer): Promise<Record<string, string>> {
  const { privateKey: strangerKey } = await generateKeyPair('RS256');
  const pem = await exportSPKI(createPublicKey({ key: issuer.key.publicJwk as never, format: 'jwk' }) as never);
  const unsigned = [
    base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' })),
    base64url.encode(
      JSON.stringify({
        iss: issuer.issuer,
        aud: issuer.audience,
        sub: 'mallory',
        roles: ['Manager'],
        exp: nowS() + 600,
      }),
    ),
    '',
  ].join('.');
  return {
    expired: await forgeToken(issuer, { exp: nowS() - 120 }),
    'not yet valid': await forgeToken(issuer, { nbf: nowS() + 300 }),
    'never expires (exp 1e309)': await forgeClaimsText(
      issuer,
      `{"iss":"${issuer.issuer}","aud":"${issuer.audience}","sub":"mallory","roles":["Manager"],"iat":${nowS()},"exp":1e309}`,
    ),
    'expires in ten years': await forgeToken(issuer, { exp: nowS() + 10 * 365 * 86_400 }),
    'issued in the future': await forgeToken(issuer, { iat: nowS() + 3600 }),
    'wrong audience': await issuer.mint({ roles: ['Manager'], audience: 'api://someone-else' }),
    'wrong issuer': await issuer.mint({ roles: ['Manager'], issuer: 'https://evil.example' }),
    'alg none': unsigned,
    'unknown key under the trusted kid': await forgeToken(issuer, {}, { key: strangerKey }),
    'unknown key under its own kid': await forgeToken(issuer, {}, { key: strangerKey, kid: 'attacker-key' }),
    'HS256 with the public key (PEM) as secret': await forgeToken(
      issuer,
      {},
      { alg: 'HS256', key: new TextEncoder().encode(pem) },
    ),
    'HS256 with the public key (JWK) as secret': await forgeToken(
      issuer,
      {},
      { alg: 'HS256', key: new TextEncoder().encode(JSON.stringify(issuer.key.publicJwk)) },
    ),
  };
}
