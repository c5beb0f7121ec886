/**
 * `Set-Cookie` header values for the cookies of an HTTP response, from the RpcHttpCookie shape @azure/functions
 * produces (toRpcHttpCookie: nullable fields wrapped in `{ value }`, sameSite lax | strict | explicitNone | none),
 * written as the Functions host writes them (RFC 6265 attributes).
 */
type Nullable<T> = T | { value?: T | null } | null | undefined;

export interface RpcCookie {
  name?: string | null;
  value?: string | null;
  domain?: Nullable<string>;
  path?: Nullable<string>;
  expires?: Nullable<{ seconds?: number | string | null; nanos?: number | null } | string | Date>;
  secure?: Nullable<boolean>;
  httpOnly?: Nullable<boolean>;
  sameSite?: string | null;
  maxAge?: Nullable<number>;
}

const unwrap = <T>(v: Nullable<T>): T | undefined => {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && !(v instanceof Date) && 'value' in (v as object))
    return ((v as { value?: T | null }).value ?? undefined) as T | undefined;
  return v as T;
};

function expiresOf(v: RpcCookie['expires']): Date | undefined {
  const raw = unwrap(v);
  if (raw === undefined) return undefined;
  if (raw instanceof Date) return raw;
  if (typeof raw === 'string') return new Date(raw);
  return new Date(Number(raw.seconds ?? 0) * 1000 + Math.round((raw.nanos ?? 0) / 1e6));
}

/** One `Set-Cookie` value. */
export function setCookieValue(c: RpcCookie): string {
  const parts = [`${c.name ?? ''}=${c.value ?? ''}`];
  const domain = unwrap(c.domain);
  const path = unwrap(c.path);
  const expires = expiresOf(c.expires);
  const maxAge = unwrap(c.maxAge);
  if (domain) parts.push(`domain=${domain}`);
  if (path) parts.push(`path=${path}`);
  if (expires) parts.push(`expires=${expires.toUTCString()}`);
  if (maxAge !== undefined) parts.push(`max-age=${Math.trunc(maxAge)}`);
  if (unwrap(c.secure)) parts.push('secure');
  if (c.sameSite === 'lax' || c.sameSite === 'strict') parts.push(`samesite=${c.sameSite}`);
  else if (c.sameSite === 'explicitNone') parts.push('samesite=none');
  if (unwrap(c.httpOnly)) parts.push('httponly');
  return parts.join('; ');
}
