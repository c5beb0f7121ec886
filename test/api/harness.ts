import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CosmosClient } from '@azure/cosmos';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { startDevIssuer, type DevIssuer } from '../../local/dev-issuer/index.js';
import type { MintOptions } from '../../local/dev-issuer/mint.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { clientBindingData } from '../../local/devhost/durable/client-api.js';
import { spawnDevhostChild, type DevhostChild } from '../../local/devhost/testing.js';
import { startAzurite, stopChild, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { durableClientInput } from '../../functions/orchestration/run-client.js';
import { controlRoomConnectionInput } from '../../functions/realtime/control-room-output.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { AuditDoc } from '../../shared/azure/cosmos-audit-log.js';
import { resetSettingsCache } from '../../shared/config/settings.js';
import type { LakeStore } from '../../shared/lake/lake-store.js';
import { ROUTE_PREFIX } from '../../shared/http/paths.js';
import { parsePlantEvent, type PlantEvent } from '../../shared/messaging/cloud-event.js';
import type { RouteSpec } from '../../shared/api/routes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

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

/**
 * Where the API publishes plant events in these tests: an HTTP endpoint speaking the devhost topic's protocol
 * (`POST …/topics/{topic}/messages` → 202). Like `plant-events` in Azure and in the devhost it detects duplicates:
 * `published` keeps each message id once, `sent` every event id that reached it, repeats included. `down` makes it
 * answer 503; `refuseNext` answers 503 to that many more requests.
 */
export interface TopicEndpoint {
  readonly published: PlantEvent[];
  readonly sent: string[];
  down: boolean;
  refuseNext: number;
}

async function startTopicEndpoint(): Promise<{ topic: TopicEndpoint; connection: string; close(): Promise<void> }> {
  const topic: TopicEndpoint = { published: [], sent: [], down: false, refuseNext: 0 };
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (topic.down) return void res.writeHead(503).end('topic unavailable');
      if (topic.refuseNext > 0) {
        topic.refuseNext--;
        return void res.writeHead(503).end('topic unavailable');
      }
      for (const m of JSON.parse(text) as { body: string; messageId?: string }[]) {
        const event = parsePlantEvent(JSON.parse(m.body));
        topic.sent.push(event.id);
        const id = m.messageId ?? event.id;
        if (seen.has(id)) continue;
        seen.add(id);
        topic.published.push(event);
      }
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    topic,
    connection: `UseDevhost=true;Endpoint=http://127.0.0.1:${port}/_devhost/servicebus`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A plant event as it reached the topic stand-in (the parsed CloudEvent, `data` read as an object). */
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
  /** The topic stand-in: the plant events the API published; set `down` to make publishing fail. */
  topic: TopicEndpoint;
  /** The same events as `topic.published`, typed for reading their data. */
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

/** Task hub of the durable client the world's requests carry. */
const WORLD_TASK_HUB = 'ApiWorld';

export interface ApiWorldOptions {
  /** Serve the Durable HTTP API from a devhost child, so the run starters get a working durable client. */
  durable?: boolean;
  /** Start Azurite and point LakeConnection at it (routes that read the lake: KPIs, telemetry). */
  lake?: boolean;
}

/**
 * Starts the world once per test file (beforeAll); `database` keeps files from sharing data. With `durable`, a devhost
 * process serves the Durable HTTP API (with the app's orchestrations registered) and every request carries the
 * `durableClient` binding pointing at it, as the Functions host gives it to the run starters. (A separate process:
 * the handlers this file imports have loaded @azure/functions in test mode, so an in-process host could not register.)
 */
export async function startApiWorld(database: string, opts: ApiWorldOptions = {}): Promise<ApiWorld> {
  const keyDir = await mkdtemp(path.join(tmpdir(), 'api-world-'));
  const [cosmos, issuer, topicEndpoint, azurite] = await Promise.all([
    startCosmos(),
    startDevIssuer({ keyDir: path.join(keyDir, 'keys') }),
    startTopicEndpoint(),
    opts.lake ? startAzurite(path.join(keyDir, 'azurite')) : Promise.resolve(undefined as AzuriteHandle | undefined),
  ]);
  const plantFile = path.join(keyDir, 'plant.json');
  await writeFile(plantFile, JSON.stringify(TEST_PLANT));
  const lake = azurite
    ? await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString))
    : undefined;
  const base: Record<string, string> = {
    ServiceBusConnection: topicEndpoint.connection,
    LakeConnection: azurite?.connectionString ?? 'UseDevelopmentStorage=true',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: database,
    PLANT_MODEL_FILE: plantFile,
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_BURST: '100000',
    // A channel alert rules may name (a file that uses its own sets ALERT_CHANNELS before its first request).
    ALERT_CHANNELS: JSON.stringify([
      { kind: 'webhook', id: 'ops-webhook', url: 'http://127.0.0.1:9/ops', format: 'teams' },
    ]),
    ...issuer.settings,
  };
  Object.assign(process.env, base);
  resetSettingsCache();
  let durableHost: DevhostChild | undefined;
  if (opts.durable) {
    durableHost = await spawnDevhostChild({
      cwd: repoRoot,
      app: 'test/api/fixtures/orchestration-app.ts',
      dataDir: path.join(keyDir, 'devhost'),
      env: { ...process.env, DURABLE_TASK_HUB: WORLD_TASK_HUB },
    });
    // The client keeps its URLs only when WEBSITE_HOSTNAME names the host (otherwise it rewrites them to :7071).
    process.env.WEBSITE_HOSTNAME = new URL(durableHost.url).host;
  }
  const durableBinding =
    durableHost &&
    clientBindingData(durableHost.url, WORLD_TASK_HUB, durableHost.keys.systemKey('durabletask_extension'));

  const withSettings = (values: Record<string, string | undefined>) => {
    const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(values))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    resetSettingsCache();
    return () => {
      for (const [k, v] of Object.entries(before))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      resetSettingsCache();
    };
  };

  const call = async (route: RouteSpec, handler: Handler, o: CallOptions = {}): Promise<Reply> => {
    const params = o.params ?? {};
    const resolved = route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) =>
      encodeURIComponent(params[name] ?? ''),
    );
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
    const ctx = new InvocationContext({
      functionName: route.name,
      logHandler: (level, ...args) => logged.push(`${level}: ${args.map(String).join(' ')}`),
      options: {
        trigger: { type: 'httpTrigger', name: 'req' },
        extraInputs: [controlRoomConnectionInput, ...(durableBinding ? [durableClientInput] : [])],
      },
    });
    if (durableBinding) ctx.extraInputs.set(durableClientInput, durableBinding);
    // What the SignalR extension binds for `signalRConnectionInfo`: the hub's client URL and a token, opaque to the
    // handler (the devhost's own service is tested with the real client in local/devhost/signalr).
    ctx.extraInputs.set(controlRoomConnectionInput, {
      url: 'https://smelter-signalr.service.signalr.net/client/?hub=controlroom',
      accessToken: 'a-service-token',
    });
    const res = await handler(req, ctx);
    const text =
      res.jsonBody === undefined ? (typeof res.body === 'string' ? res.body : '') : JSON.stringify(res.jsonBody);
    return { status: res.status ?? 200, headers: lowerKeys(res.headers), json: res.jsonBody, text, logged };
  };

  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const auditRecords = async (correlationId: string) => {
    const { resources } = await client
      .database(database)
      .container('audit')
      .items.query<unknown>({
        query: 'SELECT * FROM c WHERE c.correlationId = @c',
        parameters: [{ name: '@c', value: correlationId }],
      })
      .fetchAll();
    return resources.map((r) => AuditDoc.parse(r));
  };

  return {
    cosmos,
    issuer,
    database,
    ...(lake ? { lake } : {}),
    topic: topicEndpoint.topic,
    published: topicEndpoint.topic.published as unknown as PublishedEvent[],
    cosmosClient: () => client,
    auditRecords,
    token: (options) => issuer.mint(options),
    call,
    withSettings,
    stop: async () => {
      if (durableHost) await stopChild(durableHost.child);
      await Promise.all([cosmos.stop(), issuer.stop(), topicEndpoint.close(), azurite?.stop()]);
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}

function lowerKeys(h: HttpResponseInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  const entries = h instanceof Headers ? [...h.entries()] : Array.isArray(h) ? h : Object.entries(h);
  for (const [k, v] of entries) out[k.toLowerCase()] = String(v);
  return out;
}

/**
 * The API world's plant model, in force while none is stored: the test plant's lines L1–L3, line L7 (the cells
 * override examples put in manual, one fresh cell each) and lines LX1…LX46 of 4 cells (an area holds at most 50 lines) (a fresh line per started run, since a
 * second run on a line would be 409). All of the documented base cell.
 */
export const TEST_PLANT = JSON.parse(
  JSON.stringify(
    testPlantWith({
      L1: 100,
      L2: 100,
      L3: 100,
      L7: 999,
      ...Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`LX${i + 1}`, 4])),
    }),
  ),
) as Record<string, unknown>;

/** The plant's example create body (issue 7). */
export const PLANT_EXAMPLE = {
  modelName: 'FourierHeatModel',
  parameters: {
    thermalConductivity: 200,
    initialTemperature: 700,
    boundaryConditions: { topSurface: 750, bottomSurface: 690 },
  },
  description: 'Steady heat conduction through the cell lining',
};
