import { z } from 'zod';
import { HealthReport } from '../health/health.js';
import { CellStateDoc } from '../telemetry/hot-state.js';
import { CellPath } from '../telemetry/ids.js';
import { PdeModel, PdeModelBody, PdeModelCreated, PdeModelPage, PdeModelPath } from '../models/schemas.js';
import { OverrideDoc } from '../scada/override.js';
import { OverrideReleaseBody, OverrideRequestBody } from '../scada/override-api.js';
import { PageQuery } from './paging.js';
import { v1 } from './paths.js';
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
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  requestHeaders?: readonly HeaderSpec[];
  responses: Readonly<Record<number, ResponseSpec>>;
}

/** Keeps a route's literal types (schemas, access) so handlers get typed params, query and body. */
export function defineRoute<const R extends RouteSpec>(route: R): R {
  return route;
}

const READERS = ['Operator', 'Engineer', 'Manager'] as const;
const MODEL_WRITERS = ['Engineer', 'Manager'] as const;
const ETAG = { ETag: 'Version of the model; send it back as If-Match to replace or delete safely.' };
const IF_MATCH: HeaderSpec = {
  name: 'If-Match',
  description: 'ETag from a previous read: the write happens only if the model is unchanged (412 ERR-4121 otherwise). Omit for last-writer-wins.',
};

/** Every API route. Add new routes here; the role matrix in the README and the OpenAPI document are built from it. */
export const routes = {
  health: defineRoute({
    name: 'health',
    method: 'GET',
    path: v1('health'),
    access: 'public',
    summary: 'Status of the app and the dependencies it needs (lake, Cosmos DB); 503 when one is down',
    tag: 'meta',
    responses: { 200: { description: 'Every dependency answers', schema: HealthReport }, 503: { description: 'A dependency is down', schema: HealthReport } },
  }),
  cellLatest: defineRoute({
    name: 'cell-latest',
    method: 'GET',
    path: v1('cells/{cellId}/latest'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration'],
    summary: 'Latest good value of every tag of a cell, as cleansed by ingestion',
    tag: 'cells',
    params: CellPath,
    responses: { 200: { description: 'The cell\'s latest values', schema: CellStateDoc }, 404: { description: 'No telemetry received for this cell yet' } },
  }),
  openApi: defineRoute({
    name: 'openapi',
    method: 'GET',
    path: v1('openapi.json'),
    access: 'public',
    summary: 'This API\'s OpenAPI 3.1 document',
    tag: 'meta',
    responses: { 200: { description: 'OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  }),
  pdeModelsCreate: defineRoute({
    name: 'pde-models-create',
    method: 'POST',
    path: v1('pde-models'),
    access: MODEL_WRITERS,
    summary: 'Create a PDE model; ids are allocated pde-001, pde-002, …',
    tag: 'pde-models',
    body: PdeModelBody,
    responses: { 201: { description: 'Created', schema: PdeModelCreated, headers: { Location: 'URL of the new model', ...ETAG } } },
  }),
  pdeModelsList: defineRoute({
    name: 'pde-models-list',
    method: 'GET',
    path: v1('pde-models'),
    access: READERS,
    summary: 'List PDE models in id order, a page at a time',
    tag: 'pde-models',
    query: PageQuery,
    responses: { 200: { description: 'A page of models', schema: PdeModelPage } },
  }),
  pdeModelsGet: defineRoute({
    name: 'pde-models-get',
    method: 'GET',
    path: v1('pde-models/{modelId}'),
    access: READERS,
    summary: 'Read one PDE model',
    tag: 'pde-models',
    params: PdeModelPath,
    responses: { 200: { description: 'The model', schema: PdeModel, headers: ETAG }, 404: { description: 'No such model' } },
  }),
  pdeModelsReplace: defineRoute({
    name: 'pde-models-replace',
    method: 'PUT',
    path: v1('pde-models/{modelId}'),
    access: MODEL_WRITERS,
    summary: 'Replace a PDE model\'s name, parameters and description',
    tag: 'pde-models',
    params: PdeModelPath,
    body: PdeModelBody,
    requestHeaders: [IF_MATCH],
    responses: {
      200: { description: 'The replaced model', schema: PdeModel, headers: ETAG },
      404: { description: 'No such model' },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
  pdeModelsDelete: defineRoute({
    name: 'pde-models-delete',
    method: 'DELETE',
    path: v1('pde-models/{modelId}'),
    access: MODEL_WRITERS,
    summary: 'Delete a PDE model (its id is never reused)',
    tag: 'pde-models',
    params: PdeModelPath,
    requestHeaders: [IF_MATCH],
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such model' },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
  overridesRequest: defineRoute({
    name: 'overrides-request',
    method: 'POST',
    path: v1('overrides'),
    access: ['Operator', 'Engineer', 'Manager'],
    summary: 'Put a cell or a whole line in manual now: nothing is dispatched to it until a Manager releases it',
    tag: 'overrides',
    body: OverrideRequestBody,
    responses: {
      201: { description: 'The scope is in manual from this answer on', schema: OverrideDoc },
      200: { description: 'The scope was already in manual; nothing changed', schema: OverrideDoc },
      409: { description: 'Another change to the same scope won the race; read and retry' },
    },
  }),
  overridesRelease: defineRoute({
    name: 'overrides-release',
    method: 'POST',
    path: v1('overrides/release'),
    access: ['Manager'],
    summary: 'Release a cell or line from manual: dispatching to it resumes',
    tag: 'overrides',
    body: OverrideReleaseBody,
    responses: {
      200: { description: 'Released', schema: OverrideDoc },
      409: { description: 'The scope is not in manual' },
    },
  }),
} as const;

/** The route table as a list, in declaration order. */
export const routeTable: readonly RouteSpec[] = Object.values(routes);

/** Names of the `{param}` placeholders in a route path. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
}
