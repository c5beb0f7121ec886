import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { settings } from '../../shared/config/settings.js';
import { requireAccess, verifyTokenFromSettings, type Principal } from '../../shared/http/auth.js';
import { parseJsonBody } from '../../shared/http/body.js';
import { correlationId } from '../../shared/http/correlation.js';
import { errorBody } from '../../shared/http/errors.js';
import { parsePathParams, parseQuery } from '../../shared/http/query.js';
import { rateLimiterFor } from '../../shared/http/rate-limit.js';
import type { RouteSpec } from '../../shared/api/routes.js';
import { checkPlantIdsInPath } from '../../shared/api/plant-ids.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';

type Parsed<R, K extends 'params' | 'query' | 'body'> = R extends { [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;

/** What a route handler receives: inputs already authenticated, authorised, rate-limited and parsed. */
export interface ApiRequest<R extends RouteSpec> {
  req: HttpRequest;
  ctx: InvocationContext;
  requestId: string;
  /** The caller; undefined only on public routes. */
  principal: R['access'] extends 'public' ? Principal | undefined : Principal;
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
}

/** A handler's answer: status, optional JSON body, extra headers. */
export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff' };

/**
 * Wraps a route handler with the platform's request pipeline, in this order: correlation id; for protected routes
 * bearer token (401), rate limit per client id (429) and role (403) from the route table; path, query and body
 * parsed with the route's schemas (400/413/415); path ids of plant equipment checked against the plant model (404). Every error becomes `{ code, message, details }`; unexpected ones
 * are logged with the request id and answered 500 without internals.
 */
export function apiHandler<const R extends RouteSpec>(
  route: R,
  handle: (r: ApiRequest<R>) => Promise<ApiResult>,
): RouteHandler<R> {
  const handler = async (req: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> => {
    const requestId = correlationId(req.headers.get('x-correlation-id'));
    const baseHeaders: Record<string, string> = { ...SECURITY_HEADERS, 'x-request-id': requestId };
    if (route.access !== 'public') baseHeaders['cache-control'] = 'no-store';
    try {
      const s = settings();
      let principal: Principal | undefined;
      if (route.access !== 'public') {
        principal = await verifyTokenFromSettings()(req.headers.get('authorization'));
        rateLimiterFor(s.RATE_LIMIT_PER_MINUTE, s.RATE_LIMIT_BURST).enforce(principal.clientId);
        requireAccess(route.access, principal);
      }
      const params = route.params ? parsePathParams(req.params, route.params) : undefined;
      if (route.plantIds) await checkPlantIdsInPath(route, params, currentPlantFromSettings);
      const query = route.query ? parseQuery(req.url, route.query) : undefined;
      const body = route.body
        ? await parseJsonBody(req, route.body, route.maxBodyBytes ?? s.MAX_BODY_BYTES)
        : undefined;
      const res = await handle({ req, ctx, requestId, principal, params, query, body } as ApiRequest<R>);
      return {
        status: res.status,
        ...(res.body === undefined ? {} : { jsonBody: res.body }),
        headers: { ...res.headers, ...baseHeaders },
      };
    } catch (err) {
      const { status, body, headers } = errorBody(err, requestId);
      if (status >= 500) ctx.error(`${route.name}: request ${requestId} failed`, err);
      // Refused calls are security signals ops may alert on; the code says why, the token itself is never logged.
      else if (status === 401 || status === 403 || status === 429)
        ctx.warn(`${route.name}: request ${requestId} refused with ${body.code}`);
      return { status, jsonBody: body, headers: { ...headers, ...baseHeaders } };
    }
  };
  // The route travels with the handler, so tests and tools find every route's handler without a list of their own.
  return Object.assign(handler, { route });
}

/** A route's HTTP handler, carrying its route. */
export type RouteHandler<R extends RouteSpec = RouteSpec> = ((
  req: HttpRequest,
  ctx: InvocationContext,
) => Promise<HttpResponseInit>) & { readonly route: R };

/** True for a value apiHandler made (what a function module exports for its route). */
export function isRouteHandler(value: unknown): value is RouteHandler {
  return (
    typeof value === 'function' &&
    'route' in value &&
    typeof (value as { route?: { name?: unknown } }).route?.name === 'string'
  );
}

/** The app.http options for a route: its method and path from the table; auth is ours, so the host's key is off. */
export function httpTrigger(route: RouteSpec, handler: HttpFunctionOptions['handler']): HttpFunctionOptions {
  return { methods: [route.method], route: route.path, authLevel: 'anonymous', handler };
}
