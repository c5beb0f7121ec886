import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import type { MintOptions } from '../../local/dev-issuer/mint.js';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { AuditDoc } from '../../shared/azure/cosmos-audit-log.js';
import { resetSettingsCache } from '../../shared/config/settings.js';
import type { LakeStore } from '../../shared/lake/lake-store.js';
import { ROUTE_PREFIX } from '../../shared/http/paths.js';
import type { RouteSpec } from '../../shared/http/routes.js';

export type Handler = (req: HttpRequest, ctx: InvocationContext) => Promise<HttpResponseInit>;

export interface CallOptions {
  token?: string;
  params?: Record<string, string>;
  query?: string;
  /** A value is sent as JSON; a string is sent as is. */
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  json: unknown;
  /** The body as the caller would see it on the wire. */
  text: string;
  logged: string[];
}

/** A plant event as it reached the topic stand-in. */
export interface PublishedEvent {
  type: string;
  subject: string;
  correlationid?: string;
  data: Record<string, unknown>;
}

/**
 * The real pieces an API test needs: the Cosmos-compatible server, a development issuer, Azurite for the lake when
 * asked, a stand-in for the devhost's topic endpoint (collecting what is published), and settings pointing at them.
 */
export interface ApiWorld {
  cosmos: CosmosHandle;
  issuer: DevIssuer;
  /** The Cosmos database of this world (one per test file). */
  database: string;
  /** The lake on Azurite; present when the world was started with `lake: true`. */
  lake?: LakeStore;
  /** Plant events published to the topic, in order. */
  published: PublishedEvent[];
  cosmosClient(): CosmosClient;
  /** The audit records written under a correlation id. */
  auditRecords(correlationId: string): Promise<AuditDoc[]>;
  token(options?: MintOptions): Promise<string>;
  call(route: RouteSpec, handler: Handler, o?: CallOptions): Promise<Reply>;
  /** Sets extra app settings for one test and forgets cached ones; returns a function that restores them. */
  withSettings(values: Record<string, string | undefined>): () => void;
  stop(): Promise<void>;
}

export interface ApiWorldOptions {
  /** Start Azurite and point LakeConnection at it (routes that read the lake: KPIs, telemetry). */
  lake?: boolean;
}

/** Starts the world once per test file (beforeAll); `database` keeps files from sharing data. */
export async function startApiWorld(database: string, opts: ApiWorldOptions = {}): Promise<ApiWorld> {
  const dir = await mkdtemp(path.join(tmpdir(), 'api-world-'));
  const published: PublishedEvent[] = [];
  const topic = await startTopicStandIn(published);
  const [cosmos, issuer, azurite] = await Promise.all([
    startCosmos(),
    startDevIssuer({ keyDir: path.join(dir, 'keys') }),
    opts.lake ? startAzurite(path.join(dir, 'azurite')) : Promise.resolve(undefined as AzuriteHandle | undefined),
  ]);
  const lake = azurite ? await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString)) : undefined;
  const base: Record<string, string> = {
    LakeConnection: azurite?.connectionString ?? 'UseDevelopmentStorage=true',
    ServiceBusConnection: `UseDevhost=true;Endpoint=http://127.0.0.1:${(topic.address() as AddressInfo).port}/_devhost/servicebus`,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: database,
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_BURST: '100000',
    ...issuer.settings,
  };
  Object.assign(process.env, base);
  resetSettingsCache();

  const withSettings = (values: Record<string, string | undefined>) => {
    const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(values)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    resetSettingsCache();
    return () => {
      for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      resetSettingsCache();
    };
  };

  const call = async (route: RouteSpec, handler: Handler, o: CallOptions = {}): Promise<Reply> => {
    const params = o.params ?? {};
    const resolved = route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
    const headers: Record<string, string> = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
    let body: { string?: string; bytes?: Uint8Array } | undefined;
    if (o.rawBody !== undefined) body = typeof o.rawBody === 'string' ? { string: o.rawBody } : { bytes: o.rawBody };
    else if (o.body !== undefined) {
      body = { string: JSON.stringify(o.body) };
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, o.headers);
    const req = new HttpRequest({
      method: route.method,
      url: `http://127.0.0.1:7071/${ROUTE_PREFIX}/${resolved}${o.query ? `?${o.query}` : ''}`,
      headers,
      params,
      ...(body ? { body } : {}),
    });
    const logged: string[] = [];
    const ctx = new InvocationContext({ functionName: route.name, logHandler: (level, ...args) => logged.push(`${level}: ${args.map(String).join(' ')}`) });
    const res = await handler(req, ctx);
    const text = res.jsonBody === undefined ? (typeof res.body === 'string' ? res.body : '') : JSON.stringify(res.jsonBody);
    return { status: res.status ?? 200, headers: lowerKeys(res.headers), json: res.jsonBody, text, logged };
  };

  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const auditRecords = async (correlationId: string) => {
    const { resources } = await client.database(database).container('audit').items
      .query<unknown>({ query: 'SELECT * FROM c WHERE c.correlationId = @c', parameters: [{ name: '@c', value: correlationId }] })
      .fetchAll();
    return resources.map((r) => AuditDoc.parse(r));
  };

  return {
    cosmos,
    issuer,
    database,
    ...(lake ? { lake } : {}),
    published,
    cosmosClient: () => client,
    auditRecords,
    token: (options) => issuer.mint(options),
    call,
    withSettings,
    stop: async () => {
      await Promise.all([cosmos.stop(), issuer.stop(), azurite?.stop(), new Promise<void>((resolve) => topic.close(() => resolve()))]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Stands in for the devhost's topic admin endpoint (POST …/topics/{topic}/messages answering 202). */
async function startTopicStandIn(published: PublishedEvent[]): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      for (const m of JSON.parse(text) as { body: string }[]) published.push(JSON.parse(m.body) as PublishedEvent);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function lowerKeys(h: HttpResponseInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  const entries = h instanceof Headers ? [...h.entries()] : Array.isArray(h) ? h : Object.entries(h);
  for (const [k, v] of entries) out[k.toLowerCase()] = String(v);
  return out;
}

/** The plant's example create body (issue 7). */
export const PLANT_EXAMPLE = {
  modelName: 'FourierHeatModel',
  parameters: { thermalConductivity: 200, initialTemperature: 700, boundaryConditions: { topSurface: 750, bottomSurface: 690 } },
  description: 'Steady heat conduction through the cell lining',
};
