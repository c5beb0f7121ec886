/**
 * CLI: runs the plant simulator against an already-running devhost or a real Event Hub.
 *
 *   npx tsx local/simulator/main.ts [--plant plants/two-technologies.json] [--rate 50000] [--duration 60] [--seed 1]
 *        [--hub-url http://127.0.0.1:7071] [--hub telemetry] [--labels labels.jsonl]
 *        [--fault spike=0.005 ...] [--no-faults] [--chokes-per-cell-day 0.1] [--as-fast-as-possible]
 *
 * The plant simulated is the plant model file (--plant, else PLANT_MODEL_FILE, else the shipped two-technology plant):
 * give it the model the app has in force, or ingestion quarantines what it does not know (UNKNOWN_EQUIPMENT).
 *
 * Real Event Hub: set EventHubConnection (connection string) or EventHubConnection__fullyQualifiedNamespace
 * (DefaultAzureCredential), and TELEMETRY_HUB for the hub name; --hub-url then is not needed.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { realClock, virtualClock } from './clock.js';
import { fromZodIssues, SimulatorError } from './errors.js';
import { FAULT_KINDS, NO_FAULTS, type FaultRatesInput } from './faults.js';
import { createLabelRecorder } from './labels.js';
import { DEFAULT_PLANT_FILE, readPlantFile } from './plant-file.js';
import { createPotline } from './potline.js';
import { runSimulator, type SimulatorCounters } from './runner.js';
import { eventHubsSink } from './sinks/event-hubs-sink.js';
import { httpSink } from './sinks/http-sink.js';
import type { TelemetrySink } from './sinks/sink.js';

const CliArgs = z.object({
  plant: z.string().min(1).optional(),
  rate: z.coerce.number().positive().max(100_000_000).default(50_000),
  duration: z.coerce.number().positive().optional(),
  seed: z.coerce.number().int().default(1),
  'hub-url': z.url().optional(),
  hub: z.string().min(1).optional(),
  labels: z.string().min(1).optional(),
  fault: z.array(z.string().regex(/^[a-z_]+=[0-9.eE+-]+$/, 'expected kind=rate, e.g. spike=0.005')).default([]),
  'no-faults': z.boolean().default(false),
  'chokes-per-cell-day': z.coerce.number().min(0).optional(),
  'as-fast-as-possible': z.boolean().default(false),
});

const Env = z.object({
  EventHubConnection: z.string().min(1).optional(),
  EventHubConnection__fullyQualifiedNamespace: z.string().min(1).optional(),
  TELEMETRY_HUB: z.string().min(1).default('telemetry'),
  PLANT_MODEL_FILE: z.string().optional(),
});

/** Parses argv and the environment into run settings; throws SimulatorError naming the bad flag. */
export function parseCli(argv: string[], env: Record<string, string | undefined>) {
  const { values } = parseArgs({
    args: argv,
    options: {
      plant: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      'hub-url': { type: 'string' },
      hub: { type: 'string' },
      labels: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'no-faults': { type: 'boolean' },
      'chokes-per-cell-day': { type: 'string' },
      'as-fast-as-possible': { type: 'boolean' },
    },
    strict: true,
  });
  const args = CliArgs.safeParse(values);
  if (!args.success)
    throw fromZodIssues(
      'SIM-CONFIG',
      'Invalid flag',
      args.error.issues.map((i) => ({ ...i, path: [`--${String(i.path[0])}`] })),
    );
  const parsedEnv = Env.safeParse(env);
  if (!parsedEnv.success) throw fromZodIssues('SIM-CONFIG', 'Invalid environment', parsedEnv.error.issues);
  const faults: Record<string, number> = args.data['no-faults'] ? { ...NO_FAULTS } : {};
  for (const entry of args.data.fault) {
    const [kind, value] = entry.split('=') as [string, string];
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new SimulatorError(
        'SIM-CONFIG',
        '--fault',
        `Unknown fault kind "${kind}"; use one of ${FAULT_KINDS.join(', ')}`,
      );
    }
    faults[kind] = Number(value);
  }
  const plantFile = args.data.plant ?? (parsedEnv.data.PLANT_MODEL_FILE || DEFAULT_PLANT_FILE);
  return { args: args.data, env: parsedEnv.data, faults: faults as FaultRatesInput, plantFile };
}

function chooseSink(args: z.infer<typeof CliArgs>, env: z.infer<typeof Env>): { sink: TelemetrySink; target: string } {
  const hub = args.hub ?? env.TELEMETRY_HUB;
  if (args['hub-url'])
    return { sink: httpSink({ devhostUrl: args['hub-url'], hub }), target: `${args['hub-url']} (hub ${hub})` };
  if (env.EventHubConnection)
    return {
      sink: eventHubsSink({ connectionString: env.EventHubConnection, eventHubName: hub }),
      target: `Event Hub ${hub} (connection string)`,
    };
  if (env.EventHubConnection__fullyQualifiedNamespace) {
    const ns = env.EventHubConnection__fullyQualifiedNamespace;
    return {
      sink: eventHubsSink({ fullyQualifiedNamespace: ns, eventHubName: hub }),
      target: `Event Hub ${ns}/${hub} (DefaultAzureCredential)`,
    };
  }
  const url = 'http://127.0.0.1:7071';
  return { sink: httpSink({ devhostUrl: url, hub }), target: `${url} (hub ${hub}, the devhost default)` };
}

function progressLine(c: SimulatorCounters): string {
  const faults = FAULT_KINDS.map((k) => c.labelsByKind[k] ?? 0).reduce((a, b) => a + b, 0);
  const rate = c.simulatedS > 0 ? Math.round((c.pointsSent / c.simulatedS) * 60) : 0;
  return `t=${c.simulatedS.toFixed(0)}s points=${c.pointsSent} (${rate}/min simulated) bodies=${c.bodiesSent} faults=${faults} anodeEffects=${c.labelsByKind.anode_effect ?? 0} lag=${c.lagMs}ms`;
}

async function main(): Promise<void> {
  const { args, env, faults, plantFile } = parseCli(process.argv.slice(2), process.env);
  const { sink, target } = chooseSink(args, env);
  const startMs = Date.now();
  const plant = readPlantFile(plantFile);
  const potline = createPotline({
    plant,
    seed: args.seed,
    startMs,
    ...(args['chokes-per-cell-day'] !== undefined ? { feederChokesPerCellDay: args['chokes-per-cell-day'] } : {}),
  });
  const labels = createLabelRecorder({ ...(args.labels ? { file: args.labels } : {}), keepInMemory: false });
  let lastPrintMs = 0;
  const run = runSimulator({
    potline,
    sink,
    ratePerMin: args.rate,
    ...(args.duration !== undefined ? { durationS: args.duration } : {}),
    clock: args['as-fast-as-possible'] ? virtualClock(startMs) : realClock(),
    faults,
    labels,
    onStep: (c) => {
      if (Date.now() - lastPrintMs < 5000) return;
      lastPrintMs = Date.now();
      console.error(progressLine(c));
    },
  });
  console.error(
    `Simulating ${plant.site.name} (${plantFile}: ${potline.lines.map((l) => `${l.lineId} ${l.plant.cells.length} × ${l.technology.name}`).join(', ')}) at ${args.rate} points/min → ${target}${args.labels ? `; labels → ${args.labels}` : ''}`,
  );
  console.error(
    `Sampling intervals (ms): ${JSON.stringify(Object.fromEntries(Object.entries(run.plan.intervalMs).map(([k, v]) => [k, Math.round(v)])))}`,
  );
  process.once('SIGINT', () => {
    console.error('Stopping…');
    void run.stop();
  });
  try {
    const counters = await run.done;
    console.log(JSON.stringify({ ...counters, lagMs: undefined }, null, 2));
  } finally {
    await sink.close?.();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    if (error instanceof SimulatorError) console.error(`${error.code} (${error.field}): ${error.message}`);
    else console.error(error);
    process.exit(1);
  });
}
