import { z } from 'zod';

/** Largest page any list route returns, items (bounds memory and response time per request). */
export const MAX_PAGE_SIZE = 100;
/** Page size when the caller gives none, items. */
export const DEFAULT_PAGE_SIZE = 25;
/** Longest continuation token accepted, characters (ours are a few dozen; Cosmos tokens stay under this). */
const MAX_TOKEN_CHARS = 2048;

/** `pageSize` and `continuationToken` query parameters shared by every list route. */
export const PageQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  continuationToken: z
    .string()
    .min(1)
    .max(MAX_TOKEN_CHARS)
    .regex(/^[A-Za-z0-9_-]+$/, 'expected a continuation token from a previous page')
    .optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A hypermedia link of an answer: `self`, `next` (the following page), or a related resource. */
export const Link = z.object({ rel: z.string(), href: z.string() });
export type Link = z.infer<typeof Link>;

/**
 * `self` and, when another page follows, `next` links of a list answer: `basePath` with the caller's query
 * parameters (undefined ones left out) and the continuation token of the page shown and of the next one.
 */
export function pageLinks(
  basePath: string,
  params: Record<string, string | number | undefined>,
  token: string | undefined,
  nextToken: string | undefined,
): Link[] {
  const href = (t: string | undefined) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    if (t) q.set('continuationToken', t);
    const text = q.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  return [{ rel: 'self', href: href(token) }, ...(nextToken ? [{ rel: 'next', href: href(nextToken) }] : [])];
}

/** Wraps a store's cursor as an opaque URL-safe token, so callers never depend on its shape. */
export function encodeCursor(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The cursor inside a token from encodeCursor, or undefined when the token is not one of ours. */
export function decodeCursor<T>(token: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
