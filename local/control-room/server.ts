/**
 * Serves the built control room (web/dist) on the loopback, as Azure Static Web Apps serves it in Azure: static
 * files, `config.json` telling the app where the API and the sign-in are, and security headers. The API itself stays
 * on the devhost (another origin, as the Function App is in Azure), which allows this origin through its CORS setting.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WEB_DIST } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** What the app reads from `config.json` (web/src/config.ts). */
export interface ControlRoomConfig {
  apiBaseUrl: string;
  auth: { kind: 'dev'; issuerUrl: string } | { kind: 'entra'; clientId: string; authority: string; apiScope: string };
}

export interface ControlRoomServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  origin: string;
  /** Sets what `config.json` answers (the devhost's URL is known only once it listens). */
  configure(config: ControlRoomConfig): void;
  stop(): Promise<void>;
}

/** The Content-Security-Policy of the app: its own files, and connections to the API, its push hub and the issuer. */
export function contentSecurityPolicy(config: ControlRoomConfig | undefined): string {
  const origins = config
    ? [
        new URL(config.apiBaseUrl).origin,
        ...(config.auth.kind === 'dev'
          ? [new URL(config.auth.issuerUrl).origin]
          : ['https://login.microsoftonline.com']),
      ]
    : [];
  const ws = origins.filter((o) => o.startsWith('http')).map((o) => o.replace(/^http/, 'ws'));
  return [
    "default-src 'self'",
    `connect-src 'self' ${[...origins, ...ws].join(' ')}`.trim(),
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
  ].join('; ');
}

export async function startControlRoomServer(options: {
  port: number;
  host?: string;
  distDir?: string;
}): Promise<ControlRoomServer> {
  const dist = options.distDir ?? WEB_DIST;
  const host = options.host ?? '127.0.0.1';
  let config: ControlRoomConfig | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control-room');
    const security = {
      'content-security-policy': contentSecurityPolicy(config),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, security).end();
    if (url.pathname === '/config.json') {
      if (!config)
        return void res.writeHead(503, { ...security, 'retry-after': '1' }).end('{"error":"the API is starting"}');
      res.writeHead(200, { ...security, 'content-type': TYPES['.json']!, 'cache-control': 'no-store' });
      return void res.end(JSON.stringify(config));
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(dist, rel);
    if (!file.startsWith(path.resolve(dist) + path.sep) || !existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404, { ...security, 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, {
      ...security,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      // Built assets carry a content hash in their names; index.html names the current ones.
      'cache-control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    origin,
    configure: (c) => {
      config = c;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
