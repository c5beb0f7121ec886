/**
 * `npm start [-- --duration 60 --rate 50000 --lines 3 --cells 100 --seed 1 --port 7071 --fresh --opt-schedule '30 * * * * *' --opt-mode closed-loop]`
 *
 * Runs the whole product on this machine: the devhost (the Functions app with its HTTP and Event Hub triggers),
 * Azurite, the Cosmos-compatible server and the plant simulator sending telemetry, with the scheduled set-point
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
import { runSimulator } from './simulator/runner.js';
import { startPlc } from './plc/plc.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver/receiver.js';
import { LiveConsole } from './console/live-console.js';
import { OptimizationWatch } from './console/optimization-watch.js';
import { RunRecorder } from './console/run-recorder.js';
import { scoreRun } from './console/score-run.js';
import { printSummary } from './console/summary.js';
import { buildControlRoom } from './control-room/build.js';
import { startControlRoomServer } from './control-room/server.js';
import { ROUTE_PREFIX, API_VERSION } from '../shared/http/paths.js';

const Flags = z.object({
  duration: z.coerce.number().positive().max(86_400).optional(),
  rate: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
  lines: z.coerce.number().int().min(1).max(20).default(3),
  cells: z.coerce.number().int().min(1).max(999).default(100),
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
});

function parseFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      rate: { type: 'string' },
      lines: { type: 'string' },
      cells: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'web-port': { type: 'string' },
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
// The scheduled optimisation of the simulated potline follows the flags (lines: those sending telemetry).
process.env.OPTIMIZATION_SCHEDULE = flags['opt-schedule'];
process.env.OPTIMIZATION_MODE = flags['opt-mode'];
applyLocalSettingsDefaults();
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
const recorder = new RunRecorder();
const runStartMs = Date.now();
// Operators at the HMI change set points of their own (labelled hmi_change), so the out-of-band path runs every time.
const potline = createPotline({
  lines: flags.lines,
  cellsPerLine: flags.cells,
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
  `Simulator: ${flags.lines} lines × ${flags.cells} cells, ${flags.rate.toLocaleString('en')} points/min, seed ${flags.seed}${flags.duration ? `, for ${flags.duration} s` : ' (Ctrl-C to stop)'}`,
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
  await controlRoom.stop();
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
