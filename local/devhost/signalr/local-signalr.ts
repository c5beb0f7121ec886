/**
 * A SignalR Service stand-in (serverless mode) served by the devhost, so the real `@microsoft/signalr` client
 * connects to it unchanged: the `signalRConnectionInfo` input binding hands out its URL and an access token, the
 * client negotiates (`POST …/client/negotiate?hub=<hub>&negotiateVersion=1`, bearer token) and opens a WebSocket
 * (`…/client/?hub=<hub>&id=<connectionToken>`, token as `access_token` or bearer), speaks the JSON hub protocol
 * (handshake, pings both ways, close) and receives what `signalR` output bindings send.
 *
 * Served as Azure serves it: broadcast, to a user id, to a connection id, to a group, and group membership of users
 * and connections; pings every 15 s and a connection closed after 30 s without a message from its client (the
 * defaults of ASP.NET Core SignalR); CORS from any origin. Not served: transports other than WebSockets (the client
 * falls back to nothing and says so), MessagePack, client-to-server invocations (serverless mode without an upstream:
 * an invocation that expects an answer gets a completion with an error), the management REST API.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import type { HostRoute } from '../http-server.js';
import { SignalRTokens } from './access-tokens.js';
import { frame, MessageType, parseFrames, readHandshake } from './hub-protocol.js';

/** Path of the client endpoint under the devhost's URL (Azure: `https://<name>.service.signalr.net/client/`). */
export const CLIENT_PATH = '/_devhost/signalr/client/';
/** Server → client pings, ms (ASP.NET Core SignalR KeepAliveInterval default 15 s). */
export const KEEP_ALIVE_MS = 15_000;
/** A connection is closed after this long without any message from its client, ms (ClientTimeoutInterval, 30 s). */
export const CLIENT_TIMEOUT_MS = 30_000;
/** A negotiated connection must open its WebSocket within this long, ms. */
const CONNECT_WITHIN_MS = 15_000;
/** The handshake must arrive within this long after the WebSocket opened, ms (HandshakeTimeout default 15 s). */
const HANDSHAKE_WITHIN_MS = 15_000;

/** One item of a `signalR` output binding's value (the SignalR extension's SignalRMessage and SignalRGroupAction). */
const OutgoingMessage = z.looseObject({
  target: z.string().min(1),
  arguments: z.array(z.unknown()).default([]),
  userId: z.string().min(1).optional(),
  groupName: z.string().min(1).optional(),
  connectionId: z.string().min(1).optional(),
});
const GroupAction = z.looseObject({
  action: z.enum(['add', 'remove', 'removeAll']),
  groupName: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  connectionId: z.string().min(1).optional(),
});
const Outgoing = z.union([GroupAction, OutgoingMessage]);

export class SignalROutputError extends Error {
  readonly code = 'ERR-DEVHOST-SIGNALR-OUTPUT';
  constructor(detail: string) {
    super(`SignalR output: ${detail}`);
    this.name = 'SignalROutputError';
  }
}

interface Pending {
  connectionId: string;
  hub: string;
  userId?: string;
  expiresAtMs: number;
}

interface Connection {
  connectionId: string;
  hub: string;
  userId?: string;
  socket: WebSocket;
  handshaken: boolean;
  lastHeardMs: number;
  groups: Set<string>;
}

export interface SignalRStats {
  connections: number;
  negotiations: number;
  messagesSent: number;
}

export interface SignalRTimings {
  /** Server → client ping interval, ms. */
  keepAliveMs: number;
  /** Silence from a client after which its connection is closed, ms. */
  clientTimeoutMs: number;
}

export class LocalSignalRService {
  readonly #tokens = new SignalRTokens();
  readonly #pending = new Map<string, Pending>();
  readonly #connections = new Map<string, Connection>();
  /** Groups a user id belongs to, per hub: applied to the user's connections now and to those it opens later. */
  readonly #userGroups = new Map<string, Set<string>>();
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #timer: NodeJS.Timeout;
  #negotiations = 0;
  #messagesSent = 0;
  /** While set, negotiations are answered 503 with this reason (tests stage an outage of the service). */
  outage: string | undefined;

  readonly #timings: SignalRTimings;

  constructor(
    private readonly baseUrl: () => string,
    timings: Partial<SignalRTimings> = {},
  ) {
    this.#timings = { keepAliveMs: KEEP_ALIVE_MS, clientTimeoutMs: CLIENT_TIMEOUT_MS, ...timings };
    this.#timer = setInterval(() => this.#keepAlive(), this.#timings.keepAliveMs);
    this.#timer.unref();
  }

  /** What the `signalRConnectionInfo` input binding gives a function: the hub's client URL and an access token. */
  async connectionInfo(hub: string, userId?: string): Promise<{ url: string; accessToken: string }> {
    const url = this.#clientUrl(hub);
    return { url, accessToken: await this.#tokens.issue(url, userId) };
  }

  /** The negotiate endpoint (and its CORS preflight) as a devhost host route. */
  hostRoute(): HostRoute {
    return {
      prefix: CLIENT_PATH,
      // The negotiate call carries the access token the connection-info binding issued; the handler verifies it.
      access: 'access-token',
      handle: async ({ method, url, subPath, headers }) => {
        const cors = corsHeaders(headers.origin);
        if (method === 'OPTIONS') return { status: 204, headers: { ...cors, ...preflightHeaders(headers) } };
        if (subPath !== 'negotiate' || method !== 'POST')
          return { status: 404, headers: cors, json: { error: `No SignalR endpoint at ${method} ${url.pathname}` } };
        if (this.outage) return { status: 503, headers: cors, json: { error: this.outage } };
        const hub = (url.searchParams.get('hub') ?? '').toLowerCase();
        if (!hub) return { status: 400, headers: cors, json: { error: 'The hub query parameter is required.' } };
        const token = bearer(headers.authorization);
        if (!token) return { status: 401, headers: cors, json: { error: 'An access token is required.' } };
        let userId: string | undefined;
        try {
          ({ userId } = await this.#tokens.verify(token, this.#clientUrl(hub)));
        } catch (err) {
          return { status: 401, headers: cors, json: { error: `The access token is not valid: ${String(err)}` } };
        }
        this.#negotiations++;
        const version = Number(url.searchParams.get('negotiateVersion') ?? '0');
        const connectionId = randomId();
        const connectionToken = version >= 1 ? randomId() : connectionId;
        this.#pending.set(connectionToken, {
          connectionId,
          hub,
          ...(userId ? { userId } : {}),
          expiresAtMs: Date.now() + CONNECT_WITHIN_MS,
        });
        return {
          status: 200,
          headers: cors,
          json: {
            negotiateVersion: version >= 1 ? 1 : 0,
            connectionId,
            ...(version >= 1 ? { connectionToken } : {}),
            availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
          },
        };
      },
    };
  }

  /** Takes a WebSocket upgrade aimed at the client endpoint; false when the request is for someone else. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://devhost');
    if (url.pathname !== CLIENT_PATH && url.pathname !== CLIENT_PATH.slice(0, -1)) return false;
    void this.#accept(req, socket, head, url);
    return true;
  }

  async #accept(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const hub = (url.searchParams.get('hub') ?? '').toLowerCase();
    const id = url.searchParams.get('id') ?? '';
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (!pending || pending.hub !== hub || pending.expiresAtMs < Date.now())
      return refuse(404, 'No Connection with that ID');
    const token = url.searchParams.get('access_token') ?? bearer(req.headers.authorization);
    try {
      if (!token) throw new Error('no access token');
      await this.#tokens.verify(token, this.#clientUrl(hub));
    } catch {
      return refuse(401, 'Unauthorized');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#open(ws, pending));
  }

  #open(socket: WebSocket, p: Pending): void {
    const c: Connection = {
      connectionId: p.connectionId,
      hub: p.hub,
      ...(p.userId ? { userId: p.userId } : {}),
      socket,
      handshaken: false,
      lastHeardMs: Date.now(),
      groups: new Set(p.userId ? (this.#userGroups.get(userKey(p.hub, p.userId)) ?? []) : []),
    };
    this.#connections.set(c.connectionId, c);
    const handshakeTimer = setTimeout(() => {
      if (!c.handshaken) socket.close(1002, 'Handshake was canceled.');
    }, HANDSHAKE_WITHIN_MS);
    handshakeTimer.unref();
    socket.on('message', (data: RawData) => this.#receive(c, data));
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      this.#connections.delete(c.connectionId);
    });
    socket.on('error', () => socket.terminate());
  }

  #receive(c: Connection, data: RawData): void {
    c.lastHeardMs = Date.now();
    let messages: unknown[];
    try {
      messages = parseFrames(
        Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString(),
      );
    } catch {
      this.#close(c, 'The message is not JSON; the devhost serves the JSON hub protocol.');
      return;
    }
    for (const m of messages) {
      if (!c.handshaken) {
        const hs = readHandshake(m);
        if (!hs.ok) {
          c.socket.send(frame({ error: hs.error }), () => c.socket.close());
          return;
        }
        c.handshaken = true;
        c.socket.send(frame({}));
        continue;
      }
      const msg = m as { type?: unknown; invocationId?: unknown; target?: unknown };
      if (msg.type === MessageType.close) {
        c.socket.close();
        return;
      }
      // Serverless mode without an upstream: nothing on the server side answers a client's invocation.
      if (
        (msg.type === MessageType.invocation || msg.type === MessageType.streamInvocation) &&
        typeof msg.invocationId === 'string'
      ) {
        c.socket.send(
          frame({
            type: MessageType.completion,
            invocationId: msg.invocationId,
            error: `The hub is in serverless mode and has no upstream: '${String(msg.target)}' cannot be invoked on the server. Call an HTTP function instead.`,
          }),
        );
      }
    }
  }

  /** Delivers the value of a `signalR` output binding of `hub`; throws SignalROutputError for an item it cannot read. */
  send(hub: string, items: readonly unknown[]): void {
    const key = hub.toLowerCase();
    for (const raw of items) {
      const parsed = Outgoing.safeParse(raw);
      if (!parsed.success)
        throw new SignalROutputError(
          `an item is neither a message ({ target, arguments }) nor a group action ({ action, groupName }): ${parsed.error.issues[0]?.message}`,
        );
      const item = parsed.data;
      if ('action' in item && item.action) this.#groupAction(key, item as z.infer<typeof GroupAction>);
      else this.#deliver(key, item as z.infer<typeof OutgoingMessage>);
    }
  }

  #deliver(hub: string, m: z.infer<typeof OutgoingMessage>): void {
    const text = frame({ type: MessageType.invocation, target: m.target, arguments: m.arguments });
    for (const c of this.#connections.values()) {
      if (c.hub !== hub || !c.handshaken || c.socket.readyState !== WebSocket.OPEN) continue;
      if (m.connectionId && c.connectionId !== m.connectionId) continue;
      if (m.userId && c.userId !== m.userId) continue;
      if (m.groupName && !c.groups.has(m.groupName)) continue;
      c.socket.send(text);
      this.#messagesSent++;
    }
  }

  #groupAction(hub: string, a: z.infer<typeof GroupAction>): void {
    if (a.action !== 'removeAll' && !a.groupName)
      throw new SignalROutputError(`a group action "${a.action}" needs a groupName`);
    if (!a.userId && !a.connectionId)
      throw new SignalROutputError(`a group action "${a.action}" needs a userId or a connectionId`);
    const apply = (groups: Set<string>) => {
      if (a.action === 'add') groups.add(a.groupName!);
      else if (a.action === 'remove') groups.delete(a.groupName!);
      else groups.clear();
    };
    if (a.userId) {
      const k = userKey(hub, a.userId);
      const groups = this.#userGroups.get(k) ?? new Set<string>();
      apply(groups);
      this.#userGroups.set(k, groups);
    }
    for (const c of this.#connections.values())
      if (c.hub === hub && (c.connectionId === a.connectionId || (a.userId && c.userId === a.userId))) apply(c.groups);
  }

  /** Open connections (all hubs, or one). */
  connectionCount(hub?: string): number {
    return [...this.#connections.values()].filter((c) => c.handshaken && (!hub || c.hub === hub.toLowerCase())).length;
  }

  stats(): SignalRStats {
    return { connections: this.connectionCount(), negotiations: this.#negotiations, messagesSent: this.#messagesSent };
  }

  /** Ends every connection at once, as a network cut would (no close message): clients notice and reconnect. */
  dropConnections(): void {
    for (const c of this.#connections.values()) c.socket.terminate();
  }

  /** Closes every connection with a close message and stops the keep-alive timer. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const c of this.#connections.values()) this.#close(c, 'The devhost is stopping.');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #close(c: Connection, error: string): void {
    if (c.socket.readyState === WebSocket.OPEN)
      c.socket.send(frame({ type: MessageType.close, error, allowReconnect: true }), () => c.socket.close());
    else c.socket.terminate();
  }

  #keepAlive(): void {
    const now = Date.now();
    for (const [token, p] of this.#pending) if (p.expiresAtMs < now) this.#pending.delete(token);
    for (const c of this.#connections.values()) {
      if (!c.handshaken) continue;
      if (now - c.lastHeardMs > this.#timings.clientTimeoutMs) {
        this.#close(c, 'Server timeout elapsed without receiving a message from the client.');
        continue;
      }
      if (c.socket.readyState === WebSocket.OPEN) c.socket.send(frame({ type: MessageType.ping }));
    }
  }

  #clientUrl(hub: string): string {
    return `${this.baseUrl()}${CLIENT_PATH}?hub=${encodeURIComponent(hub.toLowerCase())}`;
  }
}

const randomId = () => randomBytes(16).toString('base64url');
const userKey = (hub: string, userId: string) => `${hub}\n${userId}`;
const bearer = (h: string | string[] | undefined) => {
  const v = Array.isArray(h) ? h[0] : h;
  return v && /^Bearer\s+/i.test(v) ? v.replace(/^Bearer\s+/i, '').trim() : undefined;
};

/** Azure SignalR Service answers any origin and allows credentials (the browser client sends them by default). */
function corsHeaders(origin: string | string[] | undefined): Record<string, string> {
  const o = Array.isArray(origin) ? origin[0] : origin;
  if (!o) return {};
  return { 'access-control-allow-origin': o, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

function preflightHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const requested = headers['access-control-request-headers'];
  return {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    ...(requested ? { 'access-control-allow-headers': String(requested) } : {}),
    'access-control-max-age': '600',
  };
}
