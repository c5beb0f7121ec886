/**
 * `npm start [-- --plant plants/two-technologies.json --duration 60 --rate 50000 --seed 1 --port 7071 --fresh --opt-schedule '30 * * * * *' --opt-mode closed-loop --otlp http://127.0.0.1:4318]`
 *
 * Runs the whole product on this machine: the devhost (the Functions app with its HTTP and Event Hub triggers),
 * Azurite, the Cosmos-compatible server and the plant simulator (simulating the plant model in force: the --plant
 * file, or PLANT_MODEL_FILE of the local settings) sending telemetry, with the scheduled set-point
 * optimisation of every line closing the loop through the SCADA dispatcher to the simulator's PLC. Prints live progress; with
 * --duration it stops by itself, waits for ingestion to catch up and scores the cleansing against the simulator's
 * ground truth. Ctrl-C stops everything cleanly.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { applyLocalSettingsDefaults } from './settings-defaults.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startDevhost } from './devhost/devhost.js';
import { writeEndpoints, ENDPOINTS_FILE } from './cli/local-lake.js';
import { FaultRates } from './simulator/faults.js';
import { HMI_CHANGES_PER_LINE_HOUR, PANEL_MANUAL_PER_LINE_HOUR } from './simulator/potline.js';
import { startPlantThread } from './plant/plant-thread.js';
import { DEFAULT_HOST_ID, edgeNodeOfLine } from '../shared/sparkplug/topic.js';
import { startIngressBridge } from './bridge/ingress-bridge.js';
import { auditEnvelope } from './score/envelope-audit.js';
import { commandOutcomes, countExternalChanges } from './console/external-changes.js';
import { scadaGatewayFromSettings } from '../shared/azure/scada-dependencies.js';
import { currentPlantFromSettings, plantSourceFromSettings } from '../shared/azure/plant-dependencies.js';
import { PlantIndex } from '../shared/plant/plant-index.js';
import type { PlantModel } from '../shared/plant/schema.js';
import { tagResolverOf } from '../shared/plant/tag-resolver.js';
import { SimulatorError } from './simulator/errors.js';
import { DEFAULT_PLANT_FILE, readPlantFile } from './simulator/plant-file.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver/receiver.js';
import { LiveConsole } from './console/live-console.js';
import { OptimizationWatch } from './console/optimization-watch.js';
import { scoreRun } from './console/score-run.js';
import { printSummary } from './console/summary.js';
import { buildControlRoom } from './control-room/build.js';
import { startControlRoomServer } from './control-room/server.js';
import { ROUTE_PREFIX, API_VERSION } from '../shared/http/paths.js';
import { metricsSummaryLines } from './console/metrics-summary.js';
import { pauseOnDiskFull } from './console/pause-on-disk-full.js';
import { stopTelemetry } from '../shared/azure/telemetry-setup.js';

const Flags = z.object({
  duration: z.coerce.number().positive().max(86_400).optional(),
  rate: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
  /** The plant model file to run (the app's PLANT_MODEL_FILE); default: the local settings' (two technologies). */
  plant: z.string().min(1).optional(),
  seed: z.coerce.number().int().default(1),
  port: z.coerce.number().int().min(0).max(65_535).default(7071),
  /** Port of the control room (the web app); 0 = any free port. */
  'web-port': z.coerce.number().int().min(0).max(65_535).default(7080),
  partitions: z.coerce.number().int().min(1).max(32).default(4),
  fresh: z.boolean().default(false),
  'fault-scale': z.coerce.number().min(0).max(100).default(1),
  quiet: z.boolean().default(false),
  /** NCRONTAB of the scheduled optimisation: every minute at :30 locally, so runs show within a short --duration. */
  'opt-schedule': z
    .string()
    .regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression, e.g. "30 * * * * *"')
    .default('30 * * * * *'),
  /** closed-loop locally, so the loop closes without an approval: recommendation → dispatcher → MQTT → the simulator's PLC. */
  'opt-mode': z.enum(['closed-loop', 'advisory']).default('closed-loop'),
  /** An OTLP/HTTP endpoint (a collector, Jaeger, Aspire dashboard…) for the app's traces and metrics. */
  otlp: z.url().optional(),
  /** Where local state lives (lake, hub, checkpoints, keys); a benchmark points it elsewhere. */
  'data-dir': z.string().min(1).default('.local'),
});

function parseFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      rate: { type: 'string' },
      plant: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'web-port': { type: 'string' },
      partitions: { type: 'string' },
      fresh: { type: 'boolean' },
      'fault-scale': { type: 'string' },
      quiet: { type: 'boolean' },
      'opt-schedule': { type: 'string' },
      'opt-mode': { type: 'string' },
      otlp: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    console.error(
      `npm start: --${String(issue.path[0])} ${issue.message}. See README "Running locally" for the flags.`,
    );
    process.exit(2);
  }
  return parsed.data;
}

const flags = parseFlags();
// Settings: local.settings.json if present, else the example; the environment wins; the emulators replace connections.
// The scheduled optimisation of the simulated potline follows the flags.
process.env.OPTIMIZATION_SCHEDULE = flags['opt-schedule'];
process.env.OPTIMIZATION_MODE = flags['opt-mode'];
// The app reads the plant from PLANT_MODEL_FILE while none is stored (PUT v1/plant); --plant names it. The simulator
// simulates the model in force, so the plant the app knows and the plant that sends telemetry are one.
if (flags.plant) process.env.PLANT_MODEL_FILE = path.resolve(flags.plant);
// Traces and metrics go where OTEL_EXPORTER_OTLP_ENDPOINT points (shared/azure/telemetry-setup.ts); the flag sets it.
if (flags.otlp) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = flags.otlp;
applyLocalSettingsDefaults();
const plantFile = path.resolve(process.env.PLANT_MODEL_FILE || DEFAULT_PLANT_FILE);
process.env.PLANT_MODEL_FILE = plantFile;
const filePlant = readPlantFileOrExit(plantFile);
// Every line of the plant is optimised on the schedule, from its first slot (not only once it has sent telemetry),
// unless the environment or local.settings.json names the lines.
process.env.OPTIMIZATION_LINES ||= filePlant.areas.flatMap((a) => a.lines.map((l) => l.lineId)).join(',');
// One process hosts the plant's controllers and the platform here: a long synchronous step (an optimiser solve, a big
// ingest batch) stalls both, so the host waits longer for read-back than it would across a network.
process.env.SCADA_ACK_TIMEOUT_MS ||= '8000';
// A devhost topic address from the settings names a fixed port; the devhost sets its own once it listens (--port 0).
if (process.env.ServiceBusConnection?.startsWith('UseDevhost=true')) delete process.env.ServiceBusConnection;
const dataDir = path.resolve(flags['data-dir']);
if (flags.fresh) rmSync(dataDir, { recursive: true, force: true });
const runId = new Date().toISOString().replace(/[:.]/g, '-');
const runDir = path.join(dataDir, 'runs', runId);
mkdirSync(runDir, { recursive: true });

console.log(
  `Starting the smelter platform locally (run ${runId}; data in ${path.relative(process.cwd(), dataDir)}/) …`,
);
const startedMs = Date.now();
const webhooks = await localAlertChannels(path.join(dataDir, 'webhooks.jsonl'));
// The control room: built when its sources changed, served on its own origin (as Static Web Apps is in Azure), which
// the devhost's CORS lets call the API.
const webBuild = await buildControlRoom();
const controlRoom = await startControlRoomServer({ port: flags['web-port'] });
const devhost = await startDevhost({
  cors: controlRoom.origin,
  appEntry: 'functions/index.ts',
  dataDir,
  httpPort: flags.port,
  partitions: flags.partitions,
  startAzurite: true,
  startCosmos: true,
  startDevIssuer: true,
  startMqtt: true,
  logLevel: 'warning',
  exitOnUncaughtException: true,
});
writeEndpoints({
  lakeConnection: process.env.LakeConnection!,
  hostStorageConnection: process.env.AzureWebJobsStorage,
  cosmosEndpoint: process.env.COSMOS_ENDPOINT,
  cosmosKey: process.env.COSMOS_KEY,
  httpUrl: devhost.httpUrl,
  pid: process.pid,
});
console.log(
  `Devhost up in ${((Date.now() - startedMs) / 1000).toFixed(1)} s at ${devhost.httpUrl}; functions: ${devhost.functions.map((f) => f.name).join(', ')}`,
);
controlRoom.configure({
  apiBaseUrl: `${devhost.httpUrl}/${ROUTE_PREFIX}/${API_VERSION}`,
  auth: { kind: 'dev', issuerUrl: devhost.devIssuerUrl! },
});
console.log(
  `Control room: ${controlRoom.url} (sign in with a role; ${webBuild.built ? `built in ${(webBuild.ms / 1000).toFixed(1)} s` : 'build up to date'})`,
);

const hubName = process.env.TELEMETRY_HUB ?? 'telemetry';
const hub = devhost.hub(hubName);
const runStartMs = Date.now();
// The plant's side of Sparkplug: each line's pot controller is an edge node on the secured embedded broker. It births
// its cells, publishes their telemetry and read-back, applies the dispatcher's DCMDs as a PLC would, and its
// operators change set points at the HMI (labelled hmi_change) and hold cells in manual at the local panel
// (panel_manual). It runs in its own thread, as a plant is its own system.
const broker = devhost.mqtt!;
console.log(
  `Plant broker ${broker.url} (Sparkplug B, group ${broker.groupId}); credentials in ${path.relative(process.cwd(), broker.credentialsFile!)} — watch with the observer user, e.g. mosquitto_sub -h 127.0.0.1 -p ${broker.port} -u observer -P <password> -t 'spBv1.0/#'`,
);
// Ingress as a plant runs it: the bridge takes DDATA from the broker to the telemetry hub (partition key = cellId).
const bridge = await startIngressBridge({
  brokerUrl: broker.url,
  username: broker.bridge().username,
  password: broker.bridge().password,
  hub: {
    // A full disk pauses intake (the devhost refuses, naming the file) until space returns; nothing is dropped.
    send: pauseOnDiskFull(
      async (bodies) => {
        hub.send(bodies);
      },
      { log: (line) => console.error(`\n${line}`) },
    ),
  },
  stateDir: path.join(dataDir, 'bridge'),
});
const faults = flags['fault-scale'] === 1 ? undefined : scaledFaults(flags['fault-scale']);
// The plant simulated is the model in force: the file, unless a model was stored with PUT v1/plant in an earlier run
// (`--fresh` forgets it).
const plantModel = await simulatedPlant(filePlant, plantFile);
const plantTags = tagResolverOf(plantModel);
const edgeCredentials: Record<string, { username: string; password: string }> = {};
for (const { line } of plantModel.lines()) {
  const { username, password } = broker.edge(edgeNodeOfLine(line.lineId));
  edgeCredentials[edgeNodeOfLine(line.lineId)] = { username, password };
}
const plant = await startPlantThread({
  plant: plantModel.model,
  seed: flags.seed,
  startMs: runStartMs,
  hmiChangesPerLineHour: HMI_CHANGES_PER_LINE_HOUR * flags['fault-scale'],
  panelManualPerLineHour: PANEL_MANUAL_PER_LINE_HOUR * flags['fault-scale'],
  ratePerMin: flags.rate,
  ...(faults ? { faults } : {}),
  labelsFile: path.join(runDir, 'labels.jsonl'),
  scored: flags.duration !== undefined,
  brokerUrl: broker.url,
  edgeCredentials,
  primaryHostId: DEFAULT_HOST_ID,
});
const simCounters = () => plant.counters()?.sim ?? { pointsSent: 0, bodiesSent: 0, lagMs: 0 };
console.log(
  `Simulator: ${plantModel.model.site.name} (plant model ${plantModel.version}): ${plantModel
    .lines()
    .map((l) => `${l.line.lineId} ${l.line.cells.length} × ${l.technology.name}`)
    .join(
      ', ',
    )}; ${flags.rate.toLocaleString('en')} points/min, seed ${flags.seed}${flags.duration ? `, for ${flags.duration} s` : ' (Ctrl-C to stop)'}`,
);

console.log(
  `Optimisation: ${flags['opt-mode']} runs of every line on "${flags['opt-schedule']}" (NCRONTAB, UTC); set points go through the SCADA dispatcher to the simulator's PLC.`,
);

const live = new LiveConsole(devhost, hubName, simCounters, flags.quiet);
const optimization = new OptimizationWatch(
  devhost.httpUrl,
  devhost.keys.systemKey('durabletask_extension'),
  runStartMs,
);
optimization.start();
live.addStatus(() => optimization.statusLine());
live.start();

let stopping = false;
async function shutdown(reason: string, score: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A slot can fall at the very end of the run: its closed-loop runs finish while the plant still runs, as a real one
  // would — a plant that fell silent would make every cell's data stale and the envelope hold them all.
  console.log(`\n${reason}: letting the optimisation runs in progress finish …`);
  await optimization.settle(60_000);
  console.log('Stopping the simulator …');
  await plant.stopSimulator();
  const recommended = optimization.tally().setPointEvents;
  for (
    const deadline = Date.now() + 20_000;
    (plant.counters()?.plc.received ?? 0) < recommended && Date.now() < deadline;
  )
    await new Promise((resolve) => setTimeout(resolve, 250));
  // Then the pot controllers stop (NDEATH), so every read-back they report is in the hub before the scoring.
  const final = await plant.stop();
  if (score) {
    console.log('Waiting for the bridge and ingestion to catch up …');
    const published = final.plc.nodes.reduce((n, c) => n + c.ddataPublished + c.corruptPublished, 0);
    for (const until = Date.now() + 60_000; bridge.counters().ddataMessages < published && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 100));
    await live.waitForCatchUp(120_000);
  }
  live.stop();
  optimization.stop();
  // The limits the dispatcher judged by: the plant model in force (unreadable → every commanded move is counted).
  const plantInForce = await currentPlantFromSettings.current().catch(() => undefined);
  const scorecard = score
    ? await scoreRun({
        labels: final.labels,
        sentKeys: new Set(final.sentKeys),
        sinceMs: runStartMs,
        lakeConnection: process.env.LakeConnection!,
        tags: plantTags,
      })
    : undefined;
  printSummary({
    runId,
    runDir,
    wallS: (Date.now() - runStartMs) / 1000,
    counters: final.sim,
    live: live.snapshot(),
    scorecard,
    optimization: { tally: optimization.tally(), lastStatus: optimization.statusLine(), plc: final.plc },
    plant: {
      gateway: await scadaGatewayFromSettings()
        .then((g) => g.stats())
        .catch(() => undefined),
      bridge: bridge.counters(),
      broker: broker.counters(),
      edge: final.plc.nodes,
      // The operators' changes from the labels; every commanded move from the controllers themselves.
      envelope: auditEnvelope(
        [...final.labels.filter((l) => l.kind !== 'setpoint_applied'), ...final.commandedMoves],
        (id) => plantInForce?.envelopeLimitsFor(id),
      ),
      externalChangesSeen: await countExternalChanges(runStartMs).catch(() => undefined),
      commands: await commandOutcomes(runStartMs).catch(() => undefined),
    },
  });
  for (const line of await metricsSummaryLines().catch(() => [])) console.log(line);
  console.log('Stopping the devhost and the emulators …');
  await bridge.stop();
  await devhost.stop();
  await controlRoom.stop();
  // The last metrics and spans reach the collector before the process ends.
  await stopTelemetry().catch(() => undefined);
  await webhooks?.close();
  rmSync(ENDPOINTS_FILE, { force: true });
}

process.once('SIGINT', () => void shutdown('Ctrl-C', false).then(() => process.exit(0)));
process.once('SIGTERM', () => void shutdown('SIGTERM', false).then(() => process.exit(0)));

if (flags.duration) {
  try {
    await Promise.race([plant.done, new Promise((resolve) => setTimeout(resolve, flags.duration! * 1000))]);
  } catch (err) {
    console.error('The simulator stopped: ', err);
  }
  await shutdown(`Duration of ${flags.duration} s reached`, true);
  process.exit(0);
}

/** The plant model of the file, or exit naming the file and every problem with its path. */
function readPlantFileOrExit(file: string): PlantModel {
  try {
    return readPlantFile(file);
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  }
}

/**
 * The plant model the app has in force: a model stored with PUT v1/plant wins over the file (as in Azure); said
 * aloud when it differs, so nobody wonders why the simulated plant is not the file's.
 */
async function simulatedPlant(model: PlantModel, file: string): Promise<PlantIndex> {
  const fromFile = new PlantIndex(model);
  const inForce = await (await plantSourceFromSettings()).current();
  if (inForce.version !== fromFile.version)
    console.log(
      `Plant: the model stored with PUT v1/plant (version ${inForce.version}) is in force, not ${path.relative(process.cwd(), file)}; simulating it (--fresh starts from the file).`,
    );
  return inForce;
}

/** The simulator's default fault rates times `scale` (each capped at the schema's 10 %). */
function scaledFaults(scale: number) {
  return Object.fromEntries(Object.entries(FaultRates.parse({})).map(([k, v]) => [k, Math.min(0.1, v * scale)]));
}

/**
 * Alert notifications locally: when no channel is configured, a webhook receiver on a free port stands in for Teams
 * and the engineering Logic App, appending what it gets to `file`, and every team's channel list points at it.
 */
async function localAlertChannels(file: string): Promise<WebhookReceiver | undefined> {
  const configured = process.env.ALERT_CHANNELS?.trim();
  if (configured && configured !== '[]') return undefined;
  const receiver = await startWebhookReceiver({ file });
  process.env.ALERT_CHANNELS = JSON.stringify([
    { kind: 'webhook', id: 'teams-ops', url: `${receiver.url}/teams`, format: 'teams' },
    { kind: 'webhook', id: 'logic-eng', url: `${receiver.url}/engineering`, format: 'logic-apps' },
  ]);
  process.env.ALERT_OPERATIONS_CHANNELS ||= 'teams-ops';
  process.env.ALERT_ENGINEERING_CHANNELS ||= 'logic-eng';
  process.env.ALERT_ESCALATION_CHANNELS ||= 'teams-ops';
  console.log(
    `Alert notifications go to a local webhook receiver (${receiver.url}), written to ${path.relative(process.cwd(), file)}`,
  );
  return receiver;
}
