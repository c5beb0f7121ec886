import type { z } from 'zod';
import type { Access } from './roles.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  /** Shape of the JSON body; absent for bodiless answers (204). */
  schema?: z.ZodType;
  /** Response headers worth documenting, name → meaning. */
  headers?: Record<string, string>;
}

export interface HeaderSpec {
  name: string;
  description: string;
  required?: boolean;
}

/**
 * One API route: everything the handler wrapper enforces and the OpenAPI document says, declared once.
 * `path` is relative to host.json's routePrefix and uses the Functions route syntax, which is also OpenAPI's.
 */
export interface RouteSpec {
  /** Function name (unique in the app) and OpenAPI operationId. */
  name: string;
  method: HttpMethod;
  path: string;
  access: Access;
  summary: string;
  /** More than the summary says, put before the roles in the OpenAPI operation's description. */
  description?: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  requestHeaders?: readonly HeaderSpec[];
  /**
   * Path parameters that name plant equipment: each must be a cell (or line) of the plant model in force, or the
   * route answers 404 naming the parameter before its handler runs.
   */
  plantIds?: Readonly<Record<string, 'cell' | 'line'>>;
  /**
   * True for a route that changes nothing although its method is not GET (SignalR's negotiate is a POST by the
   * client's protocol): it writes no audit record, and the contract suite expects none.
   */
  changesNothing?: true;
  /**
   * The largest body this route accepts, when a document it takes is legitimately larger than MAX_BODY_BYTES (a whole
   * plant model); every other route keeps the setting.
   */
  maxBodyBytes?: number;
  responses: Readonly<Record<number, ResponseSpec>>;
}

/** Keeps a route's literal types (schemas, access) so handlers get typed params, query and body. */
export function defineRoute<const R extends RouteSpec>(route: R): R {
  return route;
}

/** Names of the `{param}` placeholders in a route path. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
}

/** Roles that read plant data and models (not the ERP's Integration role). */
export const READERS = ['Operator', 'Engineer', 'Manager'] as const;
