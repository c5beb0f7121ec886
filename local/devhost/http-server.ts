import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import type { DevhostEvents } from './events.js';
import { setCookieValue, type RpcCookie } from './http-cookies.js';
import { keyAllows, requestKey, systemKeyAllows, type HostKeys, type SystemKeyName } from './keys.js';
import { decodePath } from './path-decoding.js';
import { invoke } from './invoke.js';
import type { FunctionRegistry, RegisteredFunction } from './registry.js';
import { bySpecificity, compileRoute, type CompiledRoute } from './route-template.js';
import { rpcBodyBytes, rpcBytes, rpcJson, rpcString } from './rpc-data.js';
import type { RpcHttpData, RpcTypedData } from './rpc-types.js';

/** Largest request body accepted, bytes: the Functions host's HTTP request limit (learn.microsoft.com, "Azure Functions HTTP trigger", Limits: 100 MB). */
const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

const HttpTriggerOptions = z.looseObject({
  route: z.string().optional(),
  methods: z.array(z.string()).optional(),
  authLevel: z.string().optional(),
});

interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: Set<string>;
  /** anonymous, function or admin (support-check.ts refuses anything else at start-up). */
  authLevel: string;
}

/** A devhost endpoint outside the app's routePrefix (e.g. the Event Hub producer endpoint). */
export interface AdminRoute {
  method: string;
  /** Template relative to `/_devhost/`. */
  template: string;
  /** The system key that opens it (the master key opens every one). */
  systemKey: SystemKeyName;
  handle(params: Record<string, string>, body: Buffer): Promise<{ status: number; json: unknown }>;
}

/** A family of host endpoints under a fixed path prefix with access to method, query and headers (e.g. `/runtime/webhooks/durabletask/`). */
export interface HostRoute {
  /** Path prefix with leading and trailing slash; the handler sees the rest of the path. */
  prefix: string;
  /**
   * What opens it: a system key (or the master key) sent as `x-functions-key` or `?code=`, or `secret-prefix` for a
   * route whose prefix itself holds a key (the Durable client's RPC base URL, which the client cannot add a key to),
   * or `access-token` for a route whose handler checks the short-lived access token it issued itself (the SignalR
   * client endpoint: browsers hold the token negotiate gave them, never a host key).
   */
  access: SystemKeyName | 'secret-prefix' | 'access-token';
  handle(req: {
    method: string;
    url: URL;
    subPath: string;
    body: Buffer;
    headers: IncomingHttpHeaders;
  }): Promise<{ status: number; json?: unknown; headers?: Record<string, string> }>;
}

/** Takes a WebSocket upgrade it serves (and answers true), or leaves it to the next one (false). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/**
 * The Function App's CORS setting (Azure: `siteConfig.cors`; Core Tools: local.settings.json `Host.CORS` and
 * `Host.CORSCredentials`): which browser origins may call the functions. `*` allows any origin (not with credentials).
 */
export interface CorsPolicy {
  allowedOrigins: readonly string[];
  supportCredentials: boolean;
}

export interface HttpServerOptions {
  registry: FunctionRegistry;
  events: DevhostEvents;
  routePrefix: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  adminRoutes: AdminRoute[];
  hostRoutes?: HostRoute[];
  /** The host's access keys, checked for function- and admin-level functions and the host's own endpoints. */
  keys: HostKeys;
  /** Where the keys are kept, named in a 401 so the caller knows where to find them. */
  keysFile?: string;
  upgradeHandlers?: UpgradeHandler[];
  /** CORS of the app's routes; absent: no cross-origin caller is allowed (no CORS headers are sent). */
  cors?: CorsPolicy;
}

/** The platform's error body (DESIGN §4), also used for the host's own 404/413/500. */
const errorJson = (code: string, message: string) => ({ code, message, details: [] as unknown[] });

/** Serves every registered HTTP trigger under `/<routePrefix>/<route>` and the devhost's admin routes. */
export class DevhostHttpServer {
  readonly #server: http.Server;
  readonly #routes: HttpRoute[];
  readonly #admin: { route: CompiledRoute; admin: AdminRoute }[];
  readonly #inFlight = new Set<Promise<void>>();

  constructor(private readonly options: HttpServerOptions) {
    this.#routes = options.registry.byTriggerType('httpTrigger').map((fn) => {
      const parsed = HttpTriggerOptions.parse(fn.trigger.options);
      return {
        fn,
        route: compileRoute(parsed.route ?? fn.name),
        methods: new Set((parsed.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase())),
        authLevel: parsed.authLevel ?? 'anonymous',
      };
    });
    this.#routes.sort((a, b) => bySpecificity(a.route, b.route));
    this.#admin = options.adminRoutes.map((admin) => ({ route: compileRoute(admin.template), admin }));
    this.#server = http.createServer((req, res) => {
      const done = this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          send(res, 500, errorJson('ERR-5000', `Devhost failed to serve the request: ${(err as Error).message}`));
      });
      this.#inFlight.add(done);
      void done.finally(() => this.#inFlight.delete(done));
    });
    // Clients that keep connections alive (the Durable client, the SDKs, fetch) drop an idle socket after about 5 s;
    // a server that closes first at its own 5 s default can close one just as a client reuses it, and that request
    // fails with a reset. Keeping idle sockets longer than any client does leaves the closing to the client.
    this.#server.keepAliveTimeout = 65_000;
    this.#server.headersTimeout = 66_000;
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      for (const handler of options.upgradeHandlers ?? []) if (handler(req, socket, head)) return;
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:7071`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = this.#server.address() as AddressInfo;
    return `http://${this.options.host}:${port}`;
  }

  /** Stops accepting connections, waits for requests in flight, then closes idle keep-alive sockets. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    await Promise.all([...this.#inFlight]);
    this.#server.closeAllConnections();
    await closed;
  }

  /** Route templates served, as `METHOD /path` strings (for the start-up banner). */
  describeRoutes(): string[] {
    const prefix = this.options.routePrefix ? `/${this.options.routePrefix}` : '';
    return this.#routes.map(
      (r) =>
        `${[...r.methods].join(',')} ${prefix}/${r.route.template} -> ${r.fn.name}${r.authLevel === 'anonymous' ? '' : ` (authLevel ${r.authLevel}: ?code=<key> or x-functions-key)`}`,
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `${this.options.host}`}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (body === undefined) {
      send(
        res,
        413,
        errorJson('ERR-4131', `Request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes, the Functions host limit.`),
      );
      return;
    }
    const path = decodePath(url.pathname);
    const key = requestKey(url, req.headers);

    for (const hostRoute of this.options.hostRoutes ?? []) {
      if (path.startsWith(hostRoute.prefix) || path === hostRoute.prefix.slice(0, -1)) {
        if (
          hostRoute.access !== 'secret-prefix' &&
          hostRoute.access !== 'access-token' &&
          !systemKeyAllows(this.options.keys, hostRoute.access, key)
        ) {
          this.#refuse(res, hostRoute.access);
          return;
        }
        const out = await hostRoute.handle({
          method,
          url,
          subPath: path.slice(hostRoute.prefix.length),
          body,
          headers: req.headers,
        });
        const bytes = out.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(out.json));
        res.writeHead(out.status, {
          ...(out.json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
          ...(out.headers ?? {}),
          'content-length': String(bytes.length),
        });
        res.end(bytes);
        return;
      }
    }

    if (path.startsWith('/_devhost/')) {
      const sub = path.slice('/_devhost/'.length);
      for (const { route, admin } of this.#admin) {
        const params = route.match(sub);
        if (params && admin.method === method) {
          if (!systemKeyAllows(this.options.keys, admin.systemKey, key)) {
            this.#refuse(res, admin.systemKey);
            return;
          }
          const out = await admin.handle(params, body);
          send(res, out.status, out.json);
          return;
        }
      }
    }

    const prefix = this.options.routePrefix ? `/${this.options.routePrefix}` : '';
    const underPrefix =
      prefix === '' ||
      path.toLowerCase() === prefix.toLowerCase() ||
      path.toLowerCase().startsWith(`${prefix.toLowerCase()}/`);
    const cors = corsFor(this.options.cors, req.headers.origin);
    if (cors) for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    if (underPrefix && method === 'OPTIONS' && req.headers['access-control-request-method']) {
      // A browser's CORS preflight: App Service answers it before any function runs, whatever the route.
      res.writeHead(204, cors ? preflightHeaders(req.headers) : {}).end();
      return;
    }
    if (underPrefix) {
      const rest = path.slice(prefix.length);
      for (const r of this.#routes) {
        const params = r.route.match(rest);
        if (params && r.methods.has(method)) {
          // Azure answers a missing or wrong key with an empty 401 before the function runs.
          if (!keyAllows(this.options.keys, r.authLevel, r.fn.name, key)) {
            res.writeHead(401, { 'content-length': '0' }).end();
            return;
          }
          await this.#invoke(r.fn, req, res, url, method, params, body);
          return;
        }
      }
    }
    send(
      res,
      404,
      errorJson('ERR-4042', `No function serves ${method} ${path}. Routes live under /${this.options.routePrefix}.`),
    );
  }

  /** 401 for a host endpoint called without its key, saying which key and where it is kept. */
  #refuse(res: ServerResponse, name: SystemKeyName): void {
    const where = this.options.keysFile ? ` in ${this.options.keysFile}` : '';
    send(res, 401, {
      code: 'ERR-4011',
      message: `This endpoint of the local host needs its key: send the "${name}" system key${where} (or the master key) as x-functions-key or ?code=.`,
      details: [{ field: 'header.x-functions-key', issue: `missing or wrong ${name} key` }],
    });
  }

  async #invoke(
    fn: RegisteredFunction,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    params: Record<string, string>,
    body: Buffer,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query = Object.fromEntries(url.searchParams.entries());
    const httpData: RpcHttpData = {
      method,
      url: url.toString(),
      headers,
      query,
      params,
      body: body.length > 0 ? rpcBytes(body) : null,
    };
    const triggerMetadata: Record<string, RpcTypedData> = { Query: rpcJson(query), Headers: rpcJson(headers) };
    for (const [k, v] of Object.entries(params)) triggerMetadata[k] = rpcString(v);

    const outcome = await invoke(this.options.registry, fn, {
      inputData: [{ name: fn.trigger.name, data: { http: httpData } }],
      triggerMetadata,
    });
    this.options.events.emit('invocation', {
      functionName: fn.name,
      invocationId: outcome.invocationId,
      triggerType: fn.trigger.type,
      durationMs: outcome.durationMs,
      ok: outcome.ok,
      error: outcome.ok ? undefined : outcome.error.message,
      retryCount: 0,
    });
    if (!outcome.ok) {
      this.options.registry.log(
        'error',
        'system',
        `Function ${fn.name} failed: ${outcome.error.stack ?? outcome.error.message}`,
        fn.name,
        outcome.invocationId,
      );
      send(
        res,
        500,
        errorJson(
          'ERR-5000',
          `Function ${fn.name} failed; invocation id ${outcome.invocationId}. The details are in the devhost log.`,
        ),
      );
      return;
    }
    const out = httpOutput(fn, outcome.outputs);
    if (!out) {
      res.writeHead(204).end();
      return;
    }
    const status = Number(out.statusCode ?? 200) || 200;
    const bytes = rpcBodyBytes(out.body);
    const cookies = (out.cookies ?? []).map((c) => setCookieValue(c as RpcCookie));
    res.writeHead(status, {
      ...(out.headers ?? {}),
      ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}),
      'content-length': String(bytes.length),
    });
    res.end(bytes);
  }
}

/** The HTTP output binding's value: the return binding or a named `http` output. */
function httpOutput(fn: RegisteredFunction, outputs: Map<string, unknown>): RpcHttpData | undefined {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction === 'out' && String(binding.type).toLowerCase() === 'http') {
      const value = outputs.get(name);
      if (value && typeof value === 'object') return value as RpcHttpData;
    }
  }
  return undefined;
}

/** The CORS headers of an answer to `origin` under `policy`, or undefined when the origin is not allowed. */
function corsFor(policy: CorsPolicy | undefined, origin: string | undefined): Record<string, string> | undefined {
  if (!policy || !origin) return undefined;
  const any = policy.allowedOrigins.includes('*');
  if (!any && !policy.allowedOrigins.some((o) => o.replace(/\/$/, '').toLowerCase() === origin.toLowerCase()))
    return undefined;
  if (any && !policy.supportCredentials) return { 'access-control-allow-origin': '*' };
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    ...(policy.supportCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
  };
}

function preflightHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const requested = headers['access-control-request-headers'];
  return {
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    ...(requested ? { 'access-control-allow-headers': String(requested) } : {}),
    'access-control-max-age': '600',
  };
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const bytes = Buffer.from(JSON.stringify(json));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length) });
  res.end(bytes);
}

/** The whole body, or undefined when it exceeds the host limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
