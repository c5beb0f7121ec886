import type { z } from 'zod';
import { ApiError, invalidInput } from './errors.js';

/** Longest query string accepted, characters (keeps parsing cheap; no route needs more). */
const MAX_QUERY_CHARS = 4096;

/**
 * Parses URL query parameters with `schema` (a strict object, so unknown parameters are named and rejected).
 * A parameter given twice is rejected rather than silently taking one of the values.
 */
export function parseQuery<S extends z.ZodType>(url: string, schema: S): z.output<S> {
  const search = new URL(url).searchParams;
  if (search.toString().length > MAX_QUERY_CHARS) {
    throw new ApiError('invalidInput', `Query string exceeds ${MAX_QUERY_CHARS} characters.`, [
      { field: 'query', issue: 'too long' },
    ]);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of search) {
    if (Object.hasOwn(values, name)) {
      throw new ApiError('invalidInput', `Query parameter ${name} is given more than once; give it once.`, [
        { field: `query.${name}`, issue: 'repeated' },
      ]);
    }
    // Defined, not assigned: `values.__proto__ = x` would set the prototype, and the parameter would slip past the
    // strict schema's unknown-parameter rule.
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw invalidInput('query', parsed.error);
  return parsed.data;
}

/** Parses route parameters (already split out by the host) with `schema`; a malformed id is 400, not 404. */
export function parsePathParams<S extends z.ZodType>(params: Record<string, string>, schema: S): z.output<S> {
  const copy: Record<string, string> = {};
  for (const [k, v] of Object.entries(params))
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  const parsed = schema.safeParse(copy);
  if (!parsed.success) throw invalidInput('path', parsed.error);
  return parsed.data;
}
