import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { startAzurite, type AzuriteHandle } from '../emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../emulators/cosmos.js';
import { supervise, type Supervised } from '../emulators/supervisor.js';
import { DiskFullError } from './disk-full.js';
import { startDevIssuer } from '../dev-issuer/server.js';
import { startMqttBroker, type MqttBrokerHandle } from '../emulators/mqtt.js';
import { installCoreModule } from './core-module.js';
import { DevhostEvents, type LogEvent } from './events.js';
import { durableSourceFactory } from './durable/source.js';
import { eventHubSourceFactory } from './eventhub/source.js';
import { serviceBusAdminRoutes } from './servicebus/admin-routes.js';
import { LocalServiceBusNamespace } from './servicebus/namespace.js';
import { localOutputRouter } from './servicebus/output-router.js';
import { serviceBusSourceFactory } from './servicebus/source.js';
import {
  EventToSend,
  HubError,
  LocalEventHubNamespace,
  type HubStats,
  type LocalEventHub,
} from './eventhub/local-hub.js';
import { parseJsonWithin } from '../../shared/kernel/json-limits.js';
import { ADMIN_BODY_LIMITS } from './admin-body-limits.js';
import { DevhostHttpServer, type AdminRoute, type CorsPolicy } from './http-server.js';
import { CONNECTION_INFO_TYPE, connectionInfoProvider, signalROutputRouter } from './signalr/bindings.js';
import { LocalSignalRService } from './signalr/local-signalr.js';
import { loadHostKeys, type HostKeys } from './keys.js';
import { FunctionRegistry } from './registry.js';
import { refuseUnservedBindings, refuseUnservedCapabilities } from './support-check.js';
import {
  applySettings,
  DevhostConfigError,
  loadHostConfig,
  loadLocalHostSettings,
  loadLocalSettings,
} from './settings.js';
import { systemClock, type Clock } from './timer/clock.js';
import { timerSourceFactory } from './timer/source.js';
import type { TriggerSource, TriggerSourceContext, TriggerSourceFactory } from './trigger-source.js';

/** The Functions host's default local port (`func start`). */
export const DEFAULT_HTTP_PORT = 7071;
/** Partitions of a new local hub; Event Hubs' default for a new hub is 4 (Azure portal / Bicep default). */
export const DEFAULT_PARTITIONS = 4;
/** Namespace host in checkpoint blob names; a real namespace is `<name>.servicebus.windows.net`. */
export const DEFAULT_EVENTHUB_NAMESPACE = 'devhost.local';

export const DevhostOptions = z.object({
  /** The app's entry module (TypeScript or JavaScript) that registers every function on import. */
  appEntry: z.string().min(1),
  /** Directory holding host.json and local.settings.json; default: the current directory. */
  appDir: z.string().min(1).optional(),
  /** Local state: event logs, Azurite data. Relative paths resolve against appDir. */
  dataDir: z.string().min(1).default('.local'),
  httpHost: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port. */
  httpPort: z.number().int().min(0).max(65_535).default(DEFAULT_HTTP_PORT),
  partitions: z.number().int().min(1).max(1024).default(DEFAULT_PARTITIONS),
  eventHubNamespace: z.string().min(1).default(DEFAULT_EVENTHUB_NAMESPACE),
  /** Settings that win over the environment and local.settings.json (tests use this). */
  settings: z.record(z.string(), z.string()).default({}),
  startAzurite: z.boolean().default(false),
  /** Start the local Cosmos-compatible server, durable: its journal and snapshots live under <dataDir>/cosmos. */
  startCosmos: z.boolean().default(false),
  /** Start the development token issuer and point AUTH_* at it (keys under <dataDir>/dev-issuer). */
  startDevIssuer: z.boolean().default(false),
  /**
   * Origins the app's HTTP routes answer for browsers (CORS), comma-separated, `*` for any: the Function App's CORS
   * setting. Default: local.settings.json `Host.CORS` (with `Host.CORSCredentials`), as `func start` reads it.
   */
  cors: z.string().optional(),
  /** Start an embedded MQTT broker (the plant broker's stand-in) and point SCADA_MQTT_URL at it. */
  startMqtt: z.boolean().default(false),
  /** Print logs to the console at or above this level ('none' prints nothing; subscribe to `events` instead). */
  logLevel: z.enum(['trace', 'debug', 'information', 'warning', 'error', 'none']).default('information'),
  /**
   * End the process on an uncaught exception or unhandled rejection from the app, as Azure's Node.js worker does
   * (the host then starts a new worker; invocations in flight fail and their triggers deliver again), after stopping
   * the emulators this devhost started. The CLIs (main.ts, npm start) turn it on; tests leave it to the test runner.
   */
  exitOnUncaughtException: z.boolean().default(false),
  /** Time for timer triggers, durable timers and retries; tests pass a ManualClock (timer/clock.ts). */
  clock: z
    .custom<Clock>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as Clock).now === 'function' &&
        typeof (v as Clock).setTimer === 'function',
    )
    .optional(),
});
export type DevhostOptionsInput = z.input<typeof DevhostOptions>;

export interface RegisteredFunctionInfo {
  name: string;
  triggerType: string;
  /** Whether the devhost runs this trigger type; always true once started (an unserved one stops the start). */
  served: boolean;
}

export interface DevhostHandle {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:7071`. */
  httpUrl: string;
  /** The local Event Hub of that name (created on first use), for in-process producers. */
  hub(name: string): LocalEventHub;
  /** The local Service Bus namespace (topics, subscriptions, dead-letter queues), for in-process producers and tests. */
  serviceBus: LocalServiceBusNamespace;
  events: DevhostEvents;
  /** The app's registrations (replay helpers such as durable/replay.ts invoke functions through it). */
  registry: FunctionRegistry;
  functions: RegisteredFunctionInfo[];
  /** The host's access keys (master, host, per function) for function- and admin-level HTTP functions. */
  keys: HostKeys;
  /** The SignalR Service stand-in the app's SignalR bindings use (connections, what was sent, an outage switch). */
  signalR: LocalSignalRService;
  /** The development token issuer's base URL, when the devhost started it. */
  devIssuerUrl?: string;
  hubStats(): HubStats[];
  /** The emulators this devhost started and keeps running (a killed one is restarted on its ports). */
  emulators: { azurite?: Supervised<AzuriteHandle>; cosmos?: Supervised<CosmosHandle> };
  /** The embedded plant broker, when it was started (startMqtt). */
  mqtt: MqttBrokerHandle | undefined;
  /** Stops accepting, finishes in-flight work, checkpoints, runs appTerminate hooks, stops the emulators it started. */
  stop(): Promise<void>;
}

const LEVELS = ['trace', 'debug', 'information', 'warning', 'error', 'critical', 'none'] as const;

/** The source factories of the trigger kinds the devhost serves; Service Bus, timers and Durable are added here. */
function sourceFactories(ctx: {
  namespace: LocalEventHubNamespace;
  namespaceHost: string;
  env: NodeJS.ProcessEnv;
  serviceBus: LocalServiceBusNamespace;
}): TriggerSourceFactory[] {
  return [
    {
      triggerTypes: ['eventHubTrigger'],
      create: (sctx, fns) => {
        const storage = ctx.env.AzureWebJobsStorage;
        if (!storage)
          throw new DevhostConfigError(
            'app settings',
            'AzureWebJobsStorage',
            'is required for Event Hub checkpoints; start Azurite (--azurite) or set it',
          );
        return eventHubSourceFactory({
          namespace: ctx.namespace,
          namespaceHost: ctx.namespaceHost,
          storageConnectionString: storage,
        }).create(sctx, fns);
      },
    },
    serviceBusSourceFactory(ctx.serviceBus),
    durableSourceFactory(),
    timerSourceFactory(),
  ];
}

/**
 * Starts the devhost in this process: settings, emulators, the `@azure/functions-core` module, the app, the
 * HTTP server and every trigger source. One devhost per process (the library binds to the first core module).
 */
export async function startDevhost(input: DevhostOptionsInput): Promise<DevhostHandle> {
  const options = DevhostOptions.parse(input);
  const appDir = path.resolve(options.appDir ?? process.cwd());
  const dataDir = path.resolve(appDir, options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const env = process.env;
  const events = new DevhostEvents();
  if (options.logLevel !== 'none') events.on('log', consoleLogger(options.logLevel));

  for (const [k, v] of Object.entries(options.settings)) env[k] = v;
  applySettings(env, loadLocalSettings(appDir));
  const localHost = loadLocalHostSettings(appDir);
  const corsOrigins = options.cors ?? localHost.CORS;
  const cors: CorsPolicy | undefined = corsOrigins
    ? {
        allowedOrigins: corsOrigins
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
        supportCredentials: localHost.CORSCredentials ?? false,
      }
    : undefined;
  const hostConfig = loadHostConfig(appDir);

  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    let azurite: Supervised<AzuriteHandle> | undefined;
    let cosmos: Supervised<CosmosHandle> | undefined;
    // Supervised: a killed emulator comes back on the same ports and data, and the app's clients carry on.
    const emulatorLog = (level: 'warning' | 'error' | 'information', message: string) =>
      events.emit('log', { level, category: 'system', message });
    if (options.startAzurite) {
      azurite = await supervise({
        name: 'Azurite',
        start: (previous) => startAzurite(path.join(dataDir, 'azurite'), previous ? { ports: previous.ports } : {}),
        describe: (a) => `ports ${a.ports.blob} (blob), ${a.ports.queue} (queue), ${a.ports.table} (table)`,
        log: emulatorLog,
      });
      cleanups.push(() => azurite?.stop());
      env.AzureWebJobsStorage = azurite.current().connectionString;
      env.LakeConnection = azurite.current().connectionString;
    }
    if (options.startCosmos) {
      cosmos = await supervise({
        name: 'The Cosmos DB server',
        start: (previous) => startCosmos({ dataDir, ...(previous ? { port: previous.port } : {}) }),
        describe: (c) => `port ${c.port}`,
        log: emulatorLog,
      });
      cleanups.push(() => cosmos?.stop());
      env.COSMOS_ENDPOINT = cosmos.current().endpoint;
      env.COSMOS_KEY = cosmos.current().key;
    }

    let mqtt: MqttBrokerHandle | undefined;
    if (options.startMqtt) {
      mqtt = await startMqttBroker({ dir: path.join(dataDir, 'mqtt') });
      cleanups.push(() => mqtt?.stop());
      env.SCADA_MQTT_URL = mqtt.url;
      env.SCADA_MQTT_USERNAME = mqtt.host().username;
      env.SCADA_MQTT_PASSWORD = mqtt.host().password;
    }
    let devIssuer: Awaited<ReturnType<typeof startDevIssuer>> | undefined;
    if (options.startDevIssuer) {
      devIssuer = await startDevIssuer({ keyDir: path.join(dataDir, 'dev-issuer') });
      cleanups.push(() => devIssuer?.stop());
      Object.assign(env, devIssuer.settings);
    }
    /** Stops the emulators without waiting for work in flight (what is left of a crashed worker). */
    const stopEmulators = async () => {
      await Promise.allSettled([devIssuer?.stop(), mqtt?.stop(), cosmos?.stop(), azurite?.stop()]);
    };

    const registry = new FunctionRegistry(events);
    registry.functionTimeoutMs = hostConfig.functionTimeoutMs;
    if (options.exitOnUncaughtException) {
      const onCrash = (err: unknown) => {
        const text = `Uncaught exception from the app: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}. Azure's Node.js worker exits on it and the host starts a new worker (invocations in flight fail and are delivered again); the devhost stops its emulators and exits.`;
        console.error(text);
        registry.log('critical', 'system', text);
        void stopEmulators().finally(() => process.exit(1));
      };
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      cleanups.push(() => {
        process.off('uncaughtException', onCrash);
        process.off('unhandledRejection', onCrash);
      });
    }
    installCoreModule(registry.coreApi());
    await import(pathToFileURL(path.resolve(appDir, options.appEntry)).href);
    refuseUnservedBindings(registry, env);
    for (const { path: setting, reason } of hostConfig.acceptedWithoutEffect)
      registry.log('information', 'system', `host.json ${setting} is accepted without a local effect: ${reason}.`);
    const model = registry.getProgrammingModel();
    if (model.getCapabilities) refuseUnservedCapabilities(await model.getCapabilities({}));
    for (const hook of registry.hooks.appStart)
      await hook({ hookData: {}, appHookData: registry.appHookData, functionAppDirectory: appDir });

    const namespace = new LocalEventHubNamespace(path.join(dataDir, 'eventhubs'), options.partitions, events);
    cleanups.push(() => namespace.close());
    const clock = options.clock ?? systemClock;
    const serviceBus = new LocalServiceBusNamespace({ dir: path.join(dataDir, 'servicebus'), events, env, clock });
    cleanups.push(() => serviceBus.close());
    registry.outputRouters.push(localOutputRouter({ serviceBus, eventHubs: namespace, env }));
    const listening: { url?: string } = {};
    const keys = loadHostKeys(
      dataDir,
      registry.byTriggerType('httpTrigger').map((f) => f.name),
    );
    const signalR = new LocalSignalRService(() => {
      if (!listening.url) throw new Error('ERR-DEVHOST-NOT-LISTENING: the SignalR endpoint has no URL before start.');
      return listening.url;
    });
    cleanups.push(() => signalR.close());
    registry.inputProviders.set(CONNECTION_INFO_TYPE, connectionInfoProvider(signalR, env));
    registry.outputRouters.push(signalROutputRouter(signalR, env));
    const ctx: TriggerSourceContext = {
      keys,
      registry,
      events,
      env,
      hostConfig,
      dataDir,
      clock,
      httpUrl: () => {
        if (!listening.url)
          throw new Error(
            'ERR-DEVHOST-NOT-LISTENING: the HTTP server is not listening yet; read httpUrl() from start() on.',
          );
        return listening.url;
      },
    };
    const sources: TriggerSource[] = [];
    const served = new Set(['httptrigger']);
    for (const factory of sourceFactories({ namespace, namespaceHost: options.eventHubNamespace, env, serviceBus })) {
      const fns = [...registry.functions.values()].filter((f) =>
        factory.triggerTypes.some((t) => t.toLowerCase() === f.trigger.type.toLowerCase()),
      );
      factory.triggerTypes.forEach((t) => served.add(t.toLowerCase()));
      if (fns.length > 0) sources.push(factory.create(ctx, fns));
    }
    const functions = [...registry.functions.values()].map((f) => ({
      name: f.name,
      triggerType: f.trigger.type,
      served: served.has(f.trigger.type.toLowerCase()),
    }));

    const server = new DevhostHttpServer({
      registry,
      events,
      routePrefix: hostConfig.routePrefix,
      host: options.httpHost,
      port: options.httpPort,
      adminRoutes: [...adminRoutes(namespace), ...serviceBusAdminRoutes(serviceBus)],
      hostRoutes: [...sources.flatMap((s) => s.httpRoutes ?? []), signalR.hostRoute()],
      upgradeHandlers: [(req, socket, head) => signalR.handleUpgrade(req, socket, head)],
      keys,
      keysFile: path.join(dataDir, 'keys.json'),
      ...(cors ? { cors } : {}),
    });
    const httpUrl = await server.listen();
    listening.url = httpUrl;
    // Publishers (shared/messaging) reach the local topic through this setting unless the app names a real namespace.
    // A devhost value from the settings files (port 7071) is pointed at this devhost, which may listen elsewhere (--port 0).
    const devhostTopic =
      !env.ServiceBusConnection || /(?:^|;)\s*UseDevhost\s*=\s*true\s*(?:;|$)/i.test(env.ServiceBusConnection);
    if (devhostTopic && !env.ServiceBusConnection__fullyQualifiedNamespace)
      env.ServiceBusConnection = `UseDevhost=true;Endpoint=${httpUrl}/_devhost/servicebus;SharedAccessKey=${keys.systemKey('servicebus')}`;
    // Producers inside the app (shared/azure/telemetry-hub-sender.ts) reach the local hubs the same way, unless the
    // setting names a real namespace.
    if (
      !env.EventHubConnection__fullyQualifiedNamespace &&
      !/(?:^|;)\s*Endpoint\s*=\s*sb:\/\//i.test(env.EventHubConnection ?? '')
    )
      env.EventHubConnection = `UseDevhost=true;Endpoint=${httpUrl}/_devhost/eventhubs;SharedAccessKey=${keys.systemKey('eventhubs')}`;
    cleanups.push(() => server.close());
    for (const source of sources) {
      await source.start();
      cleanups.push(() => source.stop());
    }
    registry.log(
      'information',
      'system',
      `Devhost listening on ${httpUrl}; ${functions.length} function(s):\n  ${server.describeRoutes().join('\n  ')}`,
    );

    let stopping: Promise<void> | undefined;
    return {
      httpUrl,
      keys,
      signalR,
      ...(devIssuer ? { devIssuerUrl: new URL(devIssuer.jwksUri).origin } : {}),
      registry,
      hub: (name) => namespace.hub(name),
      serviceBus,
      events,
      functions,
      hubStats: () => namespace.list().map((h) => h.stats()),
      emulators: { ...(azurite ? { azurite } : {}), ...(cosmos ? { cosmos } : {}) },
      mqtt,
      stop: () => {
        stopping ??= (async () => {
          // Stop the triggers and let the invocations in flight finish, then close HTTP: they may still publish to
          // the local topic or call the Durable API through this server, as in Azure the namespace stays reachable
          // while a host drains. Then the app cleans up, then the emulators stop.
          await Promise.all(sources.map((s) => s.stop()));
          await signalR.close();
          await server.close();
          for (const hook of registry.hooks.appTerminate)
            await hook({ hookData: {}, appHookData: registry.appHookData });
          namespace.close();
          serviceBus.close();
          await devIssuer?.stop();
          await mqtt?.stop();
          await cosmos?.stop();
          await azurite?.stop();
          cleanups.length = 0;
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** `POST /_devhost/eventhubs/{hub}/messages` (producer for other processes) and `GET /_devhost/eventhubs/{hub}` (counters). */
function adminRoutes(namespace: LocalEventHubNamespace): AdminRoute[] {
  const invalid = (field: string, issue: string) => ({
    status: 400,
    json: { code: 'ERR-4001', message: `Invalid ${field}: ${issue}`, details: [{ field, issue }] },
  });
  return [
    {
      method: 'POST',
      template: 'eventhubs/{hub}/messages',
      systemKey: 'eventhubs',
      handle: async (params, body) => {
        const read = parseJsonWithin(body.toString('utf8'), ADMIN_BODY_LIMITS);
        if (!read.ok)
          return 'syntax' in read
            ? invalid('body', 'is not JSON; send an array of { body: string, partitionKey?, properties? }')
            : invalid('body', `${read.breach.message} (limit ${read.breach.limit})`);
        const parsed = z.array(EventToSend.extend({ body: z.string() })).safeParse(read.value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return invalid(['body', ...(issue?.path ?? []).map(String)].join('.'), issue?.message ?? 'is invalid');
        }
        try {
          const receipts = namespace.hub(params.hub ?? '').send(parsed.data);
          return { status: 202, json: { count: receipts.length, receipts } };
        } catch (err) {
          if (err instanceof HubError) return invalid(err.field, err.message);
          // 507 Insufficient Storage: the producer keeps its events and sends them again once space is freed.
          if (err instanceof DiskFullError)
            return { status: 507, json: { code: err.code, message: err.message, details: [{ field: err.file }] } };
          throw err;
        }
      },
    },
    {
      method: 'GET',
      template: 'eventhubs/{hub}',
      systemKey: 'eventhubs',
      handle: async (params) => ({ status: 200, json: namespace.hub(params.hub ?? '').stats() }),
    },
  ];
}

function consoleLogger(min: (typeof LEVELS)[number]): (e: LogEvent) => void {
  const threshold = LEVELS.indexOf(min);
  return (e) => {
    if (LEVELS.indexOf(e.level) < threshold || e.level === 'none') return;
    const who = e.functionName ? `[${e.functionName}]` : '[devhost]';
    const line = `${new Date().toISOString()} ${e.level.padEnd(11)} ${who} ${e.message}`;
    if (e.level === 'error' || e.level === 'critical' || e.level === 'warning') console.error(line);
    else console.log(line);
  };
}
