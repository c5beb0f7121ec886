import { app } from '@azure/functions';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';
import { routes, routeTable } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

let document: Record<string, unknown> | undefined;

/** Serves the OpenAPI 3.1 document built from the route table (public, cacheable: it changes only with a deploy). */
export const getOpenApi = apiHandler(routes.openApi, async () => {
  document ??= buildOpenApiDocument(routeTable);
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});

app.http(routes.openApi.name, httpTrigger(routes.openApi, getOpenApi));
