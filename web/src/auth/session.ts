/**
 * Who is signed in, and the bearer token the API gets from them. Locally the development issuer mints a token for the
 * role picked on the sign-in page; in Azure, MSAL signs the person in with Entra ID and the API's app roles come in
 * the access token's `roles` claim. The roles only shape what the screens offer: the API checks every call itself.
 */
import { z } from 'zod';
import type { AppConfig } from '../config.js';
import type { PersonRole } from '../capabilities.js';

export interface Session {
  subject: string;
  name: string;
  roles: string[];
  /** A valid bearer token for the API (renewed when needed). */
  token(): Promise<string>;
  signOut(): Promise<void>;
}

const STORED = 'smelter.control-room.session';
const StoredToken = z.object({ token: z.string(), expiresAtMs: z.number() });

/** The claims a screen reads from an access token (never trusted for access: the API verifies the token). */
export function claimsOf(token: string): { sub: string; name?: string; roles: string[]; exp?: number } {
  const payload = token.split('.')[1] ?? '';
  const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  return {
    sub: typeof json.sub === 'string' ? json.sub : 'unknown',
    ...(typeof json.name === 'string' ? { name: json.name } : {}),
    roles: Array.isArray(json.roles) ? json.roles.filter((r): r is string => typeof r === 'string') : [],
    ...(typeof json.exp === 'number' ? { exp: json.exp } : {}),
  };
}

function devSession(token: string): Session {
  const c = claimsOf(token);
  return {
    subject: c.sub,
    name: c.name ?? c.sub,
    roles: c.roles,
    token: async () => token,
    signOut: async () => sessionStorage.removeItem(STORED),
  };
}

/** The development session kept in this tab, if it is still valid for at least a minute. */
export function restoreDevSession(): Session | undefined {
  const parsed = StoredToken.safeParse(JSON.parse(sessionStorage.getItem(STORED) ?? 'null'));
  if (!parsed.success || parsed.data.expiresAtMs < Date.now() + 60_000) return undefined;
  return devSession(parsed.data.token);
}

const IssuedToken = z.object({ access_token: z.string(), expires_in: z.number() });

/** Signs in on the development issuer as `name` with `role`. */
export async function devSignIn(issuerUrl: string, role: PersonRole, name: string): Promise<Session> {
  const res = await fetch(`${issuerUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: [role], sub: name, name }),
  });
  if (!res.ok) throw new Error(`The development issuer refused the sign-in (${res.status}): ${await res.text()}`);
  const issued = IssuedToken.parse(await res.json());
  sessionStorage.setItem(
    STORED,
    JSON.stringify({ token: issued.access_token, expiresAtMs: Date.now() + issued.expires_in * 1000 }),
  );
  return devSession(issued.access_token);
}

/** Signs in with Entra ID (redirecting when needed); resolves with the session once the person is back. */
export async function entraSession(auth: Extract<AppConfig['auth'], { kind: 'entra' }>): Promise<Session | undefined> {
  const { PublicClientApplication, InteractionRequiredAuthError } = await import('@azure/msal-browser');
  const msal = new PublicClientApplication({
    auth: {
      clientId: auth.clientId,
      authority: auth.authority,
      redirectUri: window.location.origin + window.location.pathname,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const redirect = await msal.handleRedirectPromise();
  const account = redirect?.account ?? msal.getAllAccounts()[0];
  if (!account) {
    await msal.loginRedirect({ scopes: [auth.apiScope] });
    return undefined;
  }
  const token = async () => {
    try {
      return (await msal.acquireTokenSilent({ account, scopes: [auth.apiScope] })).accessToken;
    } catch (err) {
      if (err instanceof InteractionRequiredAuthError)
        await msal.acquireTokenRedirect({ account, scopes: [auth.apiScope] });
      throw err;
    }
  };
  const c = claimsOf(await token());
  return {
    subject: c.sub,
    name: account.name ?? account.username,
    roles: c.roles,
    token,
    signOut: () => msal.logoutRedirect({ account }),
  };
}
