import { z } from 'zod';
import { HealthReport } from '../../health/health.js';
import { v1 } from '../../http/paths.js';
import { defineRoute } from '../../http/route-spec.js';

/** Routes anyone may call: liveness of the app and its dependencies, and the API's own description. */
export const metaRoutes = {
  health: defineRoute({
    name: 'health',
    method: 'GET',
    path: v1('health'),
    access: 'public',
    summary: 'Status of the app and the dependencies it needs (lake, Cosmos DB); 503 when one is down',
    tag: 'meta',
    responses: {
      200: { description: 'Every dependency answers', schema: HealthReport },
      503: { description: 'A dependency is down', schema: HealthReport },
    },
  }),
  openApi: defineRoute({
    name: 'openapi',
    method: 'GET',
    path: v1('openapi.json'),
    access: 'public',
    summary: "This API's OpenAPI 3.1 document",
    tag: 'meta',
    responses: { 200: { description: 'OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  }),
} as const;
