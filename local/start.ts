/**
 * `npm start [-- --plant plants/two-technologies.json --duration 60 --rate 50000 --seed 1 --port 7071 --fresh --opt-schedule '30 * * * * *' --opt-mode closed-loop]`
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
import { createLabelRecorder } from './simulator/labels.js';
import { createPotline, HMI_CHANGES_PER_LINE_HOUR } from './simulator/potline.js';
import { DEFAULT_PLANT_FILE, readPlantFile } from './simulator/plant-file.js';
import { SimulatorError } from './simulator/errors.js';
import { plantSourceFromSettings } from '../shared/azure/plant-dependencies.js';
import { PlantIndex } from '../shared/plant/plant-index.js';
import { tagResolverOf } from '../shared/plant/tag-resolver.js';
import type { PlantModel } from '../shared/plant/schema.js';
import { runSimulator } from './simulator/runner.js';
import { startPlc } from './plc/plc.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver/receiver.js';
import { LiveConsole } from './console/live-console.js';
import { OptimizationWatch } from './console/optimization-watch.js';
import { RunRecorder } from './console/run-recorder.js';
import { scoreRun } from './console/score-run.js';
import { printSummary } from './console/summary.js';

const Flags = z.object({
  duration: z.coerce.number().positive().max(86_400).optional(),
  rate: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
  /** The plant model file to run (the app's PLANT_MODEL_FILE); default: the local settings' (two technologies). */
  plant: z.string().min(1).optional(),
  seed: z.coerce.number().int().default(1),
  port: z.coerce.number().int().min(0).max(65_535).default(7071),
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
});

function parseFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      rate: { type: 'string' },
      plant: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      partitions: { type: 'string' },
      fresh: { type: 'boolean' },
      'fault-scale': { type: 'string' },
      quiet: { type: 'boolean' },
      'opt-schedule': { type: 'string' },
      'opt-mode': { type: 'string' },
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
// The app reads the plant from PLANT_MODEL_FILE while none is stored (PUT v1/plant); --plant names it.
if (flags.plant) process.env.PLANT_MODEL_FILE = path.resolve(flags.plant);
applyLocalSettingsDefaults();
const plantFile = path.resolve(process.env.PLANT_MODEL_FILE || DEFAULT_PLANT_FILE);
process.env.PLANT_MODEL_FILE = plantFile;
const filePlant = readPlantFileOrExit(plantFile);
// Every line of the plant is optimised on the schedule, from its first slot (not only once it has sent telemetry),
// unless the environment or local.settings.json names the lines.
process.env.OPTIMIZATION_LINES ||= filePlant.areas.flatMap((a) => a.lines.map((l) => l.lineId)).join(',');
// A devhost topic address from the settings names a fixed port; the devhost sets its own once it listens (--port 0).
if (process.env.ServiceBusConnection?.startsWith('UseDevhost=true')) delete process.env.ServiceBusConnection;
const dataDir = path.resolve('.local');
if (flags.fresh) rmSync(dataDir, { recursive: true, force: true });
const runId = new Date().toISOString().replace(/[:.]/g, '-');
const runDir = path.join(dataDir, 'runs', runId);
mkdirSync(runDir, { recursive: true });

console.log(
  `Starting the smelter platform locally (run ${runId}; data in ${path.relative(process.cwd(), dataDir)}/) …`,
);
const startedMs = Date.now();
const webhooks = await localAlertChannels(path.join(dataDir, 'webhooks.jsonl'));
const devhost = await startDevhost({
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
  cosmosEndpoint: process.env.COSMOS_ENDPOINT,
  cosmosKey: process.env.COSMOS_KEY,
  httpUrl: devhost.httpUrl,
  pid: process.pid,
});
console.log(
  `Devhost up in ${((Date.now() - startedMs) / 1000).toFixed(1)} s at ${devhost.httpUrl}; functions: ${devhost.functions.map((f) => f.name).join(', ')}`,
);

const hubName = process.env.TELEMETRY_HUB ?? 'telemetry';
const hub = devhost.hub(hubName);
const runStartMs = Date.now();
// The simulator simulates the plant the app has in force: the file, unless a model was stored with PUT v1/plant in an
// earlier run (`--fresh` forgets it).
const plant = await plantInForce(filePlant, plantFile);
const plantTags = tagResolverOf(plant);
const recorder = new RunRecorder(plantTags);
// Operators at the HMI change set points of their own (labelled hmi_change), so the out-of-band path runs every time.
const potline = createPotline({
  plant: plant.model,
  seed: flags.seed,
  startMs: runStartMs,
  hmiChangesPerLineHour: HMI_CHANGES_PER_LINE_HOUR * flags['fault-scale'],
});
// The simulator is also the plant's PLC: it takes the dispatcher's set-point commands from the broker, applies them
// and acknowledges, so the next telemetry shows the effect.
const plc = await startPlc({ brokerUrl: process.env.SCADA_MQTT_URL!, potline });
const labels = createLabelRecorder({ file: path.join(runDir, 'labels.jsonl') });
const faults = flags['fault-scale'] === 1 ? undefined : scaledFaults(flags['fault-scale']);
const sim = runSimulator({
  potline,
  labels,
  ratePerMin: flags.rate,
  ...(flags.duration ? { durationS: flags.duration } : {}),
  ...(faults ? { faults } : {}),
  sink: {
    send: async (bodies) => {
      recorder.noteSent(bodies);
      hub.send(bodies);
    },
  },
});
console.log(
  `Simulator: ${plant.model.site.name} (plant model ${plant.version}): ${plant
    .lines()
    .map((l) => `${l.line.lineId} ${l.line.cells.length} × ${l.technology.name}`)
    .join(
      ', ',
    )}; ${flags.rate.toLocaleString('en')} points/min, seed ${flags.seed}${flags.duration ? `, for ${flags.duration} s` : ' (Ctrl-C to stop)'}`,
);

console.log(
  `Optimisation: ${flags['opt-mode']} runs of every line on "${flags['opt-schedule']}" (NCRONTAB, UTC); set points go through the SCADA dispatcher to the simulator's PLC.`,
);

const live = new LiveConsole(devhost, hubName, () => sim.counters(), flags.quiet);
const optimization = new OptimizationWatch(devhost.httpUrl, runStartMs);
optimization.start();
live.addStatus(() => optimization.statusLine());
live.start();

let stopping = false;
async function shutdown(reason: string, score: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the simulator …`);
  const counters = await sim.stop().catch(() => sim.counters());
  if (score) {
    console.log('Waiting for ingestion to catch up …');
    await live.waitForCatchUp(120_000);
  }
  live.stop();
  // A slot can fall at the very end of the run: let its closed-loop runs finish and their set points reach the PLC.
  await optimization.settle(60_000);
  const recommended = optimization.tally().setPointEvents;
  for (const deadline = Date.now() + 20_000; plc.counters().received < recommended && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 250));
  optimization.stop();
  const scorecard = score
    ? await scoreRun({
        labels: labels.labels(),
        sentKeys: recorder.sentKeys,
        sinceMs: runStartMs,
        lakeConnection: process.env.LakeConnection!,
        tags: plantTags,
      })
    : undefined;
  printSummary({
    runId,
    runDir,
    wallS: (Date.now() - runStartMs) / 1000,
    counters,
    live: live.snapshot(),
    scorecard,
    optimization: { tally: optimization.tally(), lastStatus: optimization.statusLine(), plc: plc.counters() },
  });
  console.log('Stopping the devhost and the emulators …');
  // The devhost first: set points still being dispatched get their acknowledgements from the simulated PLC.
  await devhost.stop();
  await plc.stop();
  await webhooks?.close();
  rmSync(ENDPOINTS_FILE, { force: true });
}

process.once('SIGINT', () => void shutdown('Ctrl-C', false).then(() => process.exit(0)));
process.once('SIGTERM', () => void shutdown('SIGTERM', false).then(() => process.exit(0)));

if (flags.duration) {
  try {
    await sim.done;
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
async function plantInForce(model: PlantModel, file: string): Promise<PlantIndex> {
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
