/**
 * Access tokens of the devhost's SignalR endpoint, shaped as Azure SignalR Service's: an HS256 JWT whose audience is
 * the client URL of the hub (`<endpoint>/client/?hub=<hub>`), valid for an hour, with the user id (if any) as
 * `nameid`. The key is made per devhost start and never leaves the process.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** Lifetime of a client access token, s (the SignalR Functions extension's default: one hour). */
export const ACCESS_TOKEN_TTL_S = 3600;

export class SignalRTokens {
  readonly #key = randomBytes(32);

  /** A token for a client of `audience` (the hub's client URL). */
  async issue(audience: string, userId?: string): Promise<string> {
    return new SignJWT(userId ? { nameid: userId } : {})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience(audience)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`)
      .sign(this.#key);
  }

  /** The token's user id when it is valid for `audience`; throws with the reason otherwise. */
  async verify(token: string, audience: string): Promise<{ userId?: string }> {
    const { payload } = await jwtVerify(token, this.#key, { audience, algorithms: ['HS256'], clockTolerance: 5 });
    return typeof payload.nameid === 'string' ? { userId: payload.nameid } : {};
  }
}
