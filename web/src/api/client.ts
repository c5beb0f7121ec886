/**
 * The API as the control room calls it: bearer token on every call, JSON in and out, every answer parsed with a
 * schema (a boundary), every refusal thrown as an ApiProblem carrying the API's ERR code and message.
 */
import type { z } from 'zod';
import { ApiProblem } from './problem.js';

export interface ApiClient {
  readonly baseUrl: string;
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>>;
  post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>>;
  /** The raw token (the push connection negotiates with it). */
  token(): Promise<string>;
}

export function apiClient(baseUrl: string, token: () => Promise<string>): ApiClient {
  const call = async <S extends z.ZodType>(method: string, path: string, body: unknown, schema: S) => {
    const res = await fetch(`${baseUrl}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw await ApiProblem.of(res);
    const json: unknown = await res.json();
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiProblem(
        res.status,
        'UNEXPECTED-ANSWER',
        `${method} ${path}: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`,
      );
    return parsed.data as z.output<S>;
  };
  return {
    baseUrl,
    get: (path, schema) => call('GET', path, undefined, schema),
    post: (path, body, schema) => call('POST', path, body, schema),
    token,
  };
}
