import { z } from 'zod';
import { ErrorCodes } from './errors.js';
import { ROUTE_PREFIX } from './paths.js';
import { pathParamNames, type RouteSpec } from './route-spec.js';

/** The error body every route answers with on failure (DESIGN §4). */
export const ErrorBodySchema = z.object({
  code: z.string().regex(/^ERR-\d{4}$/),
  message: z.string(),
  details: z.array(z.object({ field: z.string().optional(), issue: z.string(), reason: z.string().optional() })),
});

type Json = Record<string, unknown>;

/** Status codes the pipeline itself can answer, with the condition under which a route documents them. */
const PIPELINE_ERRORS: { status: number; description: string; applies: (r: RouteSpec) => boolean; headers?: Json }[] = [
  {
    status: 400,
    description: `${ErrorCodes.invalidInput.code}: invalid path, query or body; details name the fields`,
    applies: (r) => Boolean(r.params ?? r.query ?? r.body),
  },
  {
    status: 401,
    description: `${ErrorCodes.unauthorized.code}: bearer token missing or invalid`,
    applies: (r) => r.access !== 'public',
  },
  {
    status: 403,
    description: `${ErrorCodes.forbidden.code}: the token lacks every role this route allows`,
    applies: (r) => r.access !== 'public',
  },
  {
    status: 404,
    description: `${ErrorCodes.notFound.code}: a path id names no cell or line of the plant model in force; details name it`,
    applies: (r) => Boolean(r.plantIds),
  },
  {
    status: 413,
    description: `${ErrorCodes.payloadTooLarge.code}: body larger than MAX_BODY_BYTES`,
    applies: (r) => Boolean(r.body) && !r.maxBodyBytes,
  },
  {
    status: 413,
    description: `${ErrorCodes.payloadTooLarge.code}: body larger than this route's limit`,
    applies: (r) => Boolean(r.maxBodyBytes),
  },
  {
    status: 415,
    description: `${ErrorCodes.unsupportedMediaType.code}: body is not application/json`,
    applies: (r) => Boolean(r.body),
  },
  {
    status: 429,
    description: `${ErrorCodes.tooManyRequests.code}: rate limit per client exceeded`,
    applies: (r) => r.access !== 'public',
    headers: {
      'Retry-After': { description: 'Seconds until a request will be accepted', schema: { type: 'integer' } },
    },
  },
  {
    status: 500,
    description: `${ErrorCodes.internal.code}: unexpected failure; quote x-request-id`,
    applies: () => true,
  },
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

function parameters(route: RouteSpec): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const s = jsonSchema(schema, 'input');
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((s.properties as Record<string, Json> | undefined) ?? {})) {
      const { description, ...propSchema } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: propSchema,
        ...(description ? { description } : {}),
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  for (const h of route.requestHeaders ?? [])
    out.push({
      name: h.name,
      in: 'header',
      required: h.required ?? false,
      description: h.description,
      schema: { type: 'string' },
    });
  out.push({
    name: 'x-correlation-id',
    in: 'header',
    required: false,
    description: 'Echoed as x-request-id; a new id is made when absent or unsafe',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  });
  return out;
}

function responses(route: RouteSpec): Json {
  const out: Json = {};
  const requestId = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };
  for (const [status, r] of Object.entries(route.responses)) {
    const headers: Json = { ...requestId };
    for (const [name, description] of Object.entries(r.headers ?? {}))
      headers[name] = { description, schema: { type: 'string' } };
    // An error status without its own schema answers the platform's error body (e.g. 404, 412).
    const content = r.schema
      ? { 'application/json': { schema: jsonSchema(r.schema, 'output') } }
      : Number(status) >= 400
        ? { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } }
        : undefined;
    out[status] = { description: r.description, headers, ...(content ? { content } : {}) };
  }
  for (const e of PIPELINE_ERRORS) {
    if (!e.applies(route) || out[String(e.status)]) continue;
    out[String(e.status)] = {
      description: e.description,
      headers: { ...requestId, ...e.headers },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
  }
  return out;
}

/** What the route does with parameters and fields it does not know, as the pipeline enforces it. */
function unknownInputPolicy(route: RouteSpec): string {
  const strict = (schema: z.ZodType) => jsonSchema(schema, 'input').additionalProperties === false;
  const parts: string[] = [];
  if (route.query)
    parts.push(
      strict(route.query)
        ? 'Unknown query parameters are rejected (400 ERR-4001 naming them).'
        : 'Unknown query parameters are ignored.',
    );
  else parts.push('Query parameters are ignored.');
  if (route.body)
    parts.push(
      strict(route.body)
        ? 'Unknown body fields are rejected (400 ERR-4001 naming them).'
        : 'Unknown body fields are ignored.',
    );
  return parts.join(' ');
}

function operation(route: RouteSpec): Json {
  const roles = route.access === 'public' ? 'none (public)' : route.access.join(', ');
  return {
    operationId: route.name,
    summary: route.summary,
    description: `${route.description ? `${route.description} ` : ''}Roles: ${roles}. ${unknownInputPolicy(route)}`,
    tags: [route.tag],
    'x-roles': route.access === 'public' ? [] : [...route.access],
    security: route.access === 'public' ? [] : [{ bearer: [] }],
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
        }
      : {}),
    responses: responses(route),
  };
}

/**
 * The OpenAPI 3.1 document for the given routes, built from the same zod schemas the pipeline parses with, so the
 * documentation cannot drift from the code. Paths are relative to the server URL `/<ROUTE_PREFIX>`.
 */
export function buildOpenApiDocument(table: readonly RouteSpec[], version = '1.0.0'): Json {
  const paths: Record<string, Json> = {};
  for (const route of table) {
    const key = `/${route.path}`;
    for (const name of pathParamNames(route.path))
      if (!route.params) throw new Error(`route ${route.name} has {${name}} but no params schema`);
    paths[key] = { ...paths[key], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smelter platform API',
      version,
      description:
        'ERP and engineering API of the smelter platform. Every protected route needs `Authorization: Bearer <JWT>` with one of the app roles it lists.',
    },
    servers: [{ url: `/${ROUTE_PREFIX}` }],
    tags: [...new Set(table.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Entra ID access token; app roles in the `roles` claim',
        },
      },
      schemas: { ErrorBody: jsonSchema(ErrorBodySchema, 'output') },
      headers: {
        RequestId: {
          description: "Correlation id of this request (the caller's x-correlation-id when given)",
          schema: { type: 'string' },
        },
      },
    },
  };
}
