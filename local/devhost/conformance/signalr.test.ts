/**
 * Conformance: the devhost's SignalR endpoint serves the real `@microsoft/signalr` client as Azure SignalR Service
 * does in serverless mode (learn.microsoft.com/azure/azure-signalr/signalr-concept-serverless-development-config):
 * the client is pointed at the app, its negotiate function returns the service URL and an access token, the client
 * follows it, negotiates with the service and connects over WebSockets with the JSON hub protocol
 * (github.com/dotnet/aspnetcore src/SignalR/docs/specs/HubProtocol.md, TransportProtocols.md); `signalR` outputs
 * reach every connection, a connection or a group (functions-bindings-signalr-service-output).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import { RECORD_SEPARATOR } from '../signalr/hub-protocol.js';
import { LocalSignalRService } from '../signalr/local-signalr.js';
import { waitFor } from '../testing.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'signalr-app');
let tmp: string;
let dh: DevhostHandle;
const open: HubConnection[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-signalr-'));
  dh = await startDevhost({
    appEntry: 'index.ts',
    appDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    cors: 'http://127.0.0.1:5999',
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A started client of the fixture's hub, as a browser app builds it (pointed at the app, not at the service). */
async function client(reconnect = false): Promise<HubConnection> {
  const builder = new HubConnectionBuilder().withUrl(`${dh.httpUrl}/conf/hub`).configureLogging(LogLevel.None);
  const c = (reconnect ? builder.withAutomaticReconnect([0, 100, 200]) : builder).build();
  await c.start();
  open.push(c);
  return c;
}

/** Collects what a client receives for `target`. */
function received(c: HubConnection, target: string): unknown[][] {
  const got: unknown[][] = [];
  c.on(target, (...args: unknown[]) => got.push(args));
  return got;
}

const send = (value: unknown) =>
  fetch(`${dh.httpUrl}/conf/send`, {
    method: 'POST',
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });

async function negotiateInfo(): Promise<{ url: string; accessToken: string }> {
  return (await (await fetch(`${dh.httpUrl}/conf/hub/negotiate`, { method: 'POST' })).json()) as {
    url: string;
    accessToken: string;
  };
}

describe('SignalR Service, serverless mode, as the devhost serves it', () => {
  it('hands the client the service URL and a token through the negotiate function; the client follows and connects', async () => {
    const info = await negotiateInfo();
    expect(info.url).toBe(`${dh.httpUrl}/_devhost/signalr/client/?hub=conformance`);
    expect(info.accessToken.split('.')).toHaveLength(3);
    const c = await client();
    expect(c.state).toBe(HubConnectionState.Connected);
    expect(c.connectionId).toMatch(/\S+/);
    expect(dh.signalR.connectionCount('conformance')).toBe(1);
  });

  it('delivers an output message to every connection, with its arguments intact', async () => {
    const [a, b] = [await client(), await client()];
    const [gotA, gotB] = [received(a, 'cellStates'), received(b, 'cellStates')];
    const body = {
      sentAtMs: 1,
      cells: [{ cellId: 'L1-C001', lineId: 'L1', tags: { cellVoltage: { value: 4.31, ts: 5 } } }],
    };
    expect((await send({ target: 'cellStates', arguments: [body] })).status).toBe(202);
    await waitFor('both clients to receive the message', () => gotA.length === 1 && gotB.length === 1);
    expect(gotA[0]).toEqual([body]);
    expect(gotB[0]).toEqual([body]);
  });

  it('sends to one connection, and to a group only after the connection was added to it', async () => {
    const [a, b] = [await client(), await client()];
    const [gotA, gotB] = [received(a, 'm'), received(b, 'm')];
    await send([{ target: 'm', arguments: ['to-a'], connectionId: a.connectionId }]);
    await send([{ target: 'm', arguments: ['group-before'], groupName: 'line-L1' }]);
    await send([
      { action: 'add', groupName: 'line-L1', connectionId: b.connectionId },
      { target: 'm', arguments: ['group-after'], groupName: 'line-L1' },
    ]);
    await waitFor('the targeted messages', () => gotA.length === 1 && gotB.length === 1);
    await send({ target: 'm', arguments: ['all'] });
    await waitFor('the broadcast', () => gotA.length === 2 && gotB.length === 2);
    expect(gotA.map((g) => g[0])).toEqual(['to-a', 'all']);
    expect(gotB.map((g) => g[0])).toEqual(['group-after', 'all']);
  });

  it('fails the invocation whose output it cannot read, as a failed send does in Azure', async () => {
    const res = await send({ nothing: 'to send' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { code: string }).code).toBe('ERR-5000');
  });

  it('refuses a negotiation without a valid token for that hub (401), and a WebSocket without a negotiated id (404)', async () => {
    const info = await negotiateInfo();
    const negotiate = (hub: string, token?: string) =>
      fetch(`${dh.httpUrl}/_devhost/signalr/client/negotiate?hub=${hub}&negotiateVersion=1`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await negotiate('conformance')).status).toBe(401);
    expect((await negotiate('another-hub', info.accessToken)).status).toBe(401);
    expect((await negotiate('conformance', `${info.accessToken}x`)).status).toBe(401);
    const ok = await negotiate('conformance', info.accessToken);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      negotiateVersion: 1,
      availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
    });
    const ws = new WebSocket(`${dh.httpUrl.replace('http', 'ws')}/_devhost/signalr/client/?hub=conformance&id=nope`);
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(404);
  });

  it('answers a handshake for a protocol it does not serve with an error frame, then closes', async () => {
    const info = await negotiateInfo();
    const n = (await (
      await fetch(`${dh.httpUrl}/_devhost/signalr/client/negotiate?hub=conformance&negotiateVersion=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.accessToken}` },
      })
    ).json()) as { connectionToken: string };
    const ws = new WebSocket(
      `${dh.httpUrl.replace('http', 'ws')}/_devhost/signalr/client/?hub=conformance&id=${n.connectionToken}&access_token=${info.accessToken}`,
    );
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(`{"protocol":"messagepack","version":1}${RECORD_SEPARATOR}`);
    await new Promise((resolve) => ws.once('close', resolve));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.endsWith(RECORD_SEPARATOR)).toBe(true);
    expect(JSON.parse(frames[0]!.slice(0, -1))).toEqual({ error: expect.stringMatching(/messagepack.*not supported/) });
  });

  it('answers a client invocation with a completion error: serverless mode has no hub on the server', async () => {
    const c = await client();
    await expect(c.invoke('approveRun', 'opt-L1-x')).rejects.toThrow(/serverless mode/);
    expect(c.state).toBe(HubConnectionState.Connected);
  });

  it('answers the browser’s CORS preflight of negotiate for any origin, with credentials', async () => {
    const res = await fetch(`${dh.httpUrl}/_devhost/signalr/client/negotiate?hub=conformance`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5999',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-requested-with,x-signalr-user-agent',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5999');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  // learn.microsoft.com/azure/azure-functions/functions-how-to-use-azure-function-app-settings#cors and Core Tools'
  // local.settings.json `Host.CORS`: the app's routes answer allowed origins only, preflights before any function.
  it('answers the app’s routes cross-origin for the allowed origins only (the Function App’s CORS setting)', async () => {
    const preflight = (origin: string) =>
      fetch(`${dh.httpUrl}/conf/hub/negotiate`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('http://127.0.0.1:5999');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5999');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${dh.httpUrl}/conf/hub/negotiate`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:5999' },
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5999');
  });

  it('a connection cut without a close is noticed by the client, which reconnects by itself', async () => {
    const c = await client(true);
    const got = received(c, 'm');
    const states: string[] = [];
    c.onreconnecting(() => states.push('reconnecting'));
    c.onreconnected(() => states.push('reconnected'));
    dh.signalR.dropConnections();
    await waitFor('the client to reconnect', () => states.includes('reconnected'), 10_000);
    expect(states).toEqual(['reconnecting', 'reconnected']);
    await send({ target: 'm', arguments: ['after'] });
    await waitFor('a message after the reconnect', () => got.length === 1);
  });
});

describe('keep-alive (HubProtocol.md, "Ping"; ASP.NET Core SignalR KeepAliveInterval and ClientTimeoutInterval)', () => {
  let server: Server;
  let service: LocalSignalRService;
  let base: string;

  beforeAll(async () => {
    service = new LocalSignalRService(() => base, { keepAliveMs: 50, clientTimeoutMs: 300 });
    const route = service.hostRoute();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', base);
        void route
          .handle({
            method: req.method ?? 'GET',
            url,
            subPath: url.pathname.slice(route.prefix.length),
            body: Buffer.concat(chunks),
            headers: req.headers,
          })
          .then((out) =>
            res.writeHead(out.status, out.headers ?? {}).end(out.json === undefined ? '' : JSON.stringify(out.json)),
          );
      });
    });
    server.on('upgrade', (req, socket, head) => service.handleUpgrade(req, socket, head) || socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await service.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('pings a connected client on its interval, and closes one that stays silent past the client timeout', async () => {
    const { url, accessToken } = await service.connectionInfo('keepalive');
    const n = (await (
      await fetch(url.replace('/client/?', '/client/negotiate?') + '&negotiateVersion=1', {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      })
    ).json()) as { connectionToken: string };
    const ws = new WebSocket(`${url.replace('http', 'ws')}&id=${n.connectionToken}&access_token=${accessToken}`);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(`{"protocol":"json","version":1}${RECORD_SEPARATOR}`);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await waitFor('three pings', () => frames.filter((f) => f === `{"type":6}${RECORD_SEPARATOR}`).length >= 3);
    expect(frames[0]).toBe(`{}${RECORD_SEPARATOR}`);
    await closed; // the client never said anything after its handshake
    expect(JSON.parse(frames.at(-1)!.slice(0, -1))).toEqual({
      type: 7,
      error: 'Server timeout elapsed without receiving a message from the client.',
      allowReconnect: true,
    });
  });
});
