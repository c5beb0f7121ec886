import { SignJWT } from 'jose';
import { z } from 'zod';
import { Role } from '../../shared/http/roles.js';
import type { SigningKey } from './keys.js';

/** Issuer identifier of development tokens; the default of AUTH_ISSUER. An identifier only: keys come from AUTH_JWKS_URI. */
export const DEV_ISSUER = 'https://dev-issuer.smelter.local';
/** Audience of development tokens; the default of AUTH_AUDIENCE. */
export const DEV_AUDIENCE = 'api://smelter-platform';

export const MintOptions = z.object({
  roles: z.array(Role).default([]),
  sub: z.string().min(1).default('dev-user'),
  /** Lifetime, seconds; at most a day so a leaked development token does not live long. */
  ttlS: z.number().int().min(1).max(86_400).default(3600),
  /** Calling application id (the rate-limit key); defaults to the subject. */
  azp: z.string().min(1).optional(),
  name: z.string().optional(),
  issuer: z.string().min(1).default(DEV_ISSUER),
  audience: z.string().min(1).default(DEV_AUDIENCE),
});
export type MintOptions = z.input<typeof MintOptions>;

/** A signed RS256 access token shaped like an Entra ID one (roles claim, azp, sub), for local use and tests. */
export async function mintToken(key: SigningKey, options: MintOptions = {}): Promise<string> {
  const o = MintOptions.parse(options);
  return new SignJWT({ roles: o.roles, ...(o.azp ? { azp: o.azp } : {}), ...(o.name ? { name: o.name } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setSubject(o.sub)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${o.ttlS}s`)
    .sign(key.privateKey);
}
