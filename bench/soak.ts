/**
 * `npm run bench -- soak [--minutes 30] [--rate 150000] [--sample-s 30] [--warmup-min 5]`: memory over a long run.
 * Runs `npm start` (the devhost with the whole app, the simulated plant in its thread, Azurite and the Cosmos-compatible
 * server) at the rate for the minutes, unscored (as a run until Ctrl-C is), and samples every few seconds the
 * resident memory of the host process and of each emulator from /proc, with the host's V8 heap from its own
 * OpenTelemetry gauge (it exports to a receiver in this process) and the points it ingested. Prints the samples and,
 * after the warm-up, the growth per hour of the host's RSS and heap as a share of their level (a least-squares line
 * through the samples): under 10 %/h counts as flat. Beside memory, each sample reads the devhost's plant-events topic
 * (`GET /_devhost/servicebus/topics/plant-events`): every subscription's backlog, the age of its oldest message,
 * what expired unprocessed and what its consumer completed (the ledger's completions are its appends).
 * `--ledger-events-per-min N` publishes N extra audit-only events a minute on top (smelter.model.changed, which only
 * the ledger subscribes to), so the ledger is loaded even when the plant gives the runs nothing to recommend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readHostKeys, type SystemKeyName } from '../local/devhost/keys.js';
import { startOtlpReceiver, type OtlpReceiver } from '../local/otlp/otlp-receiver.js';
import { cloudEvent } from '../shared/messaging/cloud-event.js';
import { DevhostEventPublisher } from '../shared/messaging/devhost-publisher.js';
import { PLANT_EVENTS_TOPIC, PlantEventType } from '../shared/messaging/subscriptions.js';
import { METRICS } from '../shared/observability/metric-catalogue.js';

const Args = z.object({
  minutes: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  rate: z.coerce.number().int().min(100).default(150_000),
  'sample-s': z.coerce.number().int().min(5).max(600).default(30),
  'warmup-min': z.coerce.number().min(0).default(5),
  'ledger-events-per-min': z.coerce.number().int().min(0).max(60_000).default(0),
});

const MIB = 2 ** 20;
const PAGE = 4096;

/** RSS of a process in bytes from /proc (0 when it is gone). */
function rssOf(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1]) * PAGE;
  } catch {
    return 0;
  }
}

/** Every descendant of `root` with its command line, from /proc. */
function descendants(root: number): { pid: number; cmd: string }[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        // gone
      }
      out.push({ pid: c, cmd });
      walk(c);
    }
  };
  walk(root);
  return out;
}

function roleOf(cmd: string): 'azurite' | 'cosmos' | 'other' {
  if (/azurite/i.test(cmd)) return 'azurite';
  if (/cosmos/i.test(cmd)) return 'cosmos';
  return 'other';
}

/** The newest value a gauge or counter reported (summed over attribute sets), or NaN before the first export. */
function latest(receiver: OtlpReceiver, name: string): { value: number; sum: number } {
  const m = receiver.metrics.filter((r) => r.name === name).at(-1);
  if (!m) return { value: Number.NaN, sum: Number.NaN };
  return {
    value: m.points.reduce((a, p) => a + p.value, 0),
    sum: m.points.reduce((a, p) => a + (p.sum ?? 0), 0),
  };
}

/** The newest export of a counter or histogram, per attribute set (`kind/outcome`…): count and, for a histogram, mean. */
function byAttributes(receiver: OtlpReceiver, name: string): Record<string, { count: number; mean?: number }> {
  const m = receiver.metrics.filter((r) => r.name === name).at(-1);
  return Object.fromEntries(
    (m?.points ?? []).map((p) => [
      Object.values(p.attributes).map(String).join('/') || 'all',
      { count: p.value, ...(p.sum !== undefined && p.value > 0 ? { mean: Number((p.sum / p.value).toFixed(1)) } : {}) },
    ]),
  );
}

/**
 * Publishes `perMin` audit-only events a minute to the host's topic, once a second, from when the host is up; a
 * refused publish is counted and the next second tries again.
 */
function extraLedgerLoad(hostUrl: () => string | undefined, perMin: number) {
  let published = 0;
  let refused = 0;
  let owed = 0;
  let n = 0;
  const timer =
    perMin > 0
      ? setInterval(() => {
          const url = hostUrl();
          if (!url) return;
          owed += perMin / 60;
          const count = Math.floor(owed);
          owed -= count;
          const events = Array.from({ length: count }, () =>
            cloudEvent(
              PlantEventType.modelChanged,
              'soak',
              { modelId: `soak-${++n}`, version: n },
              { source: '/bench/soak' },
            ),
          );
          new DevhostEventPublisher(`${url}/_devhost/servicebus`, PLANT_EVENTS_TOPIC, systemKey('servicebus'))
            .publish(events)
            .then(
              () => (published += count),
              () => (refused += count),
            );
        }, 1000)
      : undefined;
  return {
    published: () => ({ published, refused }),
    stop: () => clearInterval(timer),
  };
}

const startedIso = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** One subscription as the devhost's topic listing reports it (local/devhost/servicebus/local-topic.ts). */
const SubscriptionStats = z.object({
  subscription: z.string(),
  active: z.number(),
  deadLettered: z.number(),
  oldestAgeMs: z.number(),
  expired: z.number(),
  completed: z.number(),
});
type SubscriptionStats = z.infer<typeof SubscriptionStats>;
const TopicListing = z.object({ subscriptions: z.array(SubscriptionStats) });

/** The soak's devhost state (its keys.json), set once the run's data directory exists. */
let soakDataDir: string | undefined;
/** A system key of the soak's devhost, for its own endpoints (undefined until it has started). */
const systemKey = (name: SystemKeyName): string | undefined =>
  soakDataDir ? readHostKeys(soakDataDir)?.systemKey(name) : undefined;

/** The plant-events topic's subscriptions, or undefined while the host is not up or does not answer in time. */
async function topicStats(hostUrl: string | undefined): Promise<SubscriptionStats[] | undefined> {
  if (!hostUrl) return undefined;
  try {
    const res = await fetch(`${hostUrl}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}`, {
      headers: { 'x-functions-key': systemKey('servicebus') ?? '' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return undefined;
    return TopicListing.parse(await res.json()).subscriptions;
  } catch {
    return undefined;
  }
}

const HubListing = z.object({ perPartition: z.array(z.object({ bytesInMemory: z.number() })) });

/** What the telemetry hub's partitions (npm start's default hub name) hold in memory; undefined while the host does not answer. */
async function hubMemoryBytes(hostUrl: string | undefined): Promise<number | undefined> {
  if (!hostUrl) return undefined;
  try {
    const res = await fetch(`${hostUrl}/_devhost/eventhubs/telemetry`, {
      headers: { 'x-functions-key': systemKey('eventhubs') ?? '' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return undefined;
    return HubListing.parse(await res.json()).perPartition.reduce((a, p) => a + p.bytesInMemory, 0);
  } catch {
    return undefined;
  }
}

interface Sample {
  minute: number;
  hostRssMiB: number;
  hostHeapMiB: number;
  hostExternalMiB: number;
  azuriteRssMiB: number;
  cosmosRssMiB: number;
  otherRssMiB: number;
  pointsIngested: number;
  meanLagMs: number;
  load1: number;
  /** Bytes of events the devhost's hub partitions hold in memory (their bounded tails), summed. */
  hubMemoryMiB?: number;
  /** Per subscription: backlog, oldest message's age in s, expired, dead-lettered, completed since start. */
  bus?: Record<
    string,
    { backlog: number; oldestAgeS: number; expired: number; deadLettered: number; completed: number }
  >;
}

/** Per subscription over the run: the worst backlog and oldest age, what expired, and completions per second. */
function busSummary(samples: Sample[]) {
  const withBus = samples.filter((s) => s.bus !== undefined);
  if (withBus.length === 0) return undefined;
  const first = withBus[0]!;
  const last = withBus.at(-1)!;
  const seconds = (last.minute - first.minute) * 60;
  return Object.fromEntries(
    Object.keys(last.bus!).map((name) => {
      const of = (s: Sample) => s.bus![name]!;
      return [
        name,
        {
          maxBacklog: Math.max(...withBus.map((s) => of(s).backlog)),
          maxOldestAgeS: Math.max(...withBus.map((s) => of(s).oldestAgeS)),
          finalBacklog: of(last).backlog,
          expired: of(last).expired,
          deadLettered: of(last).deadLettered,
          completedPerS: seconds > 0 ? Number(((of(last).completed - of(first).completed) / seconds).toFixed(2)) : 0,
        },
      ];
    }),
  );
}

function growth(
  samples: Sample[],
  key: 'hostRssMiB' | 'hostHeapMiB' | 'hostExternalMiB' | 'azuriteRssMiB' | 'cosmosRssMiB',
) {
  const pts = samples.filter((s) => Number.isFinite(s[key]));
  if (pts.length < 3) return undefined;
  const perHourMiB = slope(
    pts.map((s) => s.minute / 60),
    pts.map((s) => s[key]),
  );
  const level = pts.reduce((a, s) => a + s[key], 0) / pts.length;
  return {
    fromMiB: Math.round(pts[0]![key]),
    toMiB: Math.round(pts.at(-1)![key]),
    perHourMiB: Math.round(perHourMiB),
    percentPerHour: Number(((perHourMiB / level) * 100).toFixed(1)),
  };
}

/**
 * Ctrl-C as a person would, then, if npm start has not stopped within `timeoutMs`, SIGKILL for it and for the
 * emulators it started (a killed host cannot stop them itself).
 */
function stop(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const emulators = descendants(child.pid!).map((d) => d.pid);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      for (const pid of emulators) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

export async function run(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      'sample-s': { type: 'string' },
      'warmup-min': { type: 'string' },
      'ledger-events-per-min': { type: 'string' },
    },
  });
  const args = Args.parse(values);
  const receiver = await startOtlpReceiver({ keepSpans: false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-soak-'));
  soakDataDir = dataDir;
  const sampleMs = args['sample-s'] * 1000;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/start.ts',
      '--rate',
      String(args.rate),
      '--port',
      '0',
      '--quiet',
      '--data-dir',
      dataDir,
      '--otlp',
      receiver.url,
    ],
    {
      env: {
        ...process.env,
        // Metrics at the sampling interval; no spans (the soak measures the app, not a trace exporter's queue).
        OTEL_METRIC_EXPORT_INTERVAL: String(sampleMs),
        OTEL_TRACES_SAMPLER: 'always_off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let hostUrl: string | undefined;
  // npm start's whole output, kept after the run (its data directory is not): what failed runs and refusals say.
  const logFile = path.join(os.tmpdir(), `bench-soak-${startedIso()}.log`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.stdout?.on('data', (c: Buffer) => {
    output = (output + c.toString()).slice(-20_000);
    hostUrl ??= /Devhost up in [\d.]+ s at (http:\/\/[^;\s]+)/.exec(output)?.[1];
  });
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const samples: Sample[] = [];
  const startedMs = Date.now();
  const extra = extraLedgerLoad(() => hostUrl, args['ledger-events-per-min']);
  try {
    const endMs = startedMs + args.minutes * 60_000;
    while (Date.now() < endMs) {
      await new Promise((r) => setTimeout(r, Math.min(sampleMs, Math.max(0, endMs - Date.now()))));
      if (child.exitCode !== null)
        throw new Error(`npm start exited early (${child.exitCode}):\n${output.slice(-3000)}`);
      const rss = { azurite: 0, cosmos: 0, other: 0 };
      for (const d of descendants(child.pid!)) rss[roleOf(d.cmd)] += rssOf(d.pid);
      const lag = latest(receiver, METRICS.ingestLag.name);
      const subs = await topicStats(hostUrl);
      const hubBytes = await hubMemoryBytes(hostUrl);
      const s: Sample = {
        minute: Number(((Date.now() - startedMs) / 60_000).toFixed(2)),
        hostRssMiB: Math.round(rssOf(child.pid!) / MIB),
        hostHeapMiB: Math.round(latest(receiver, METRICS.memoryHeapUsed.name).value / MIB),
        hostExternalMiB: Math.round(latest(receiver, METRICS.memoryExternal.name).value / MIB),
        azuriteRssMiB: Math.round(rss.azurite / MIB),
        cosmosRssMiB: Math.round(rss.cosmos / MIB),
        otherRssMiB: Math.round(rss.other / MIB),
        pointsIngested: latest(receiver, METRICS.ingestPoints.name).value,
        meanLagMs: Math.round(lag.sum / lag.value),
        load1: Number(os.loadavg()[0]!.toFixed(1)),
        ...(hubBytes !== undefined ? { hubMemoryMiB: Math.round(hubBytes / MIB) } : {}),
        bus: subs
          ? Object.fromEntries(
              subs.map((b) => [
                b.subscription,
                {
                  backlog: b.active,
                  oldestAgeS: Math.round(b.oldestAgeMs / 1000),
                  expired: b.expired,
                  deadLettered: b.deadLettered,
                  completed: b.completed,
                },
              ]),
            )
          : undefined,
      };
      samples.push(s);
      console.error(
        `[soak ${s.minute.toFixed(1)} min] host RSS ${s.hostRssMiB} MiB (heap ${s.hostHeapMiB}, external ${s.hostExternalMiB}, hub tails ${s.hubMemoryMiB ?? '?'}) · Azurite ${s.azuriteRssMiB} · Cosmos ${s.cosmosRssMiB} · other ${s.otherRssMiB} MiB · ingested ${s.pointsIngested} points, mean lag ${s.meanLagMs} ms · load ${s.load1}`,
      );
      if (s.bus)
        console.error(
          `[soak ${s.minute.toFixed(1)} min] ${Object.entries(s.bus)
            .map(
              ([n, b]) =>
                `${n}: backlog ${b.backlog}, oldest ${b.oldestAgeS} s, expired ${b.expired}, done ${b.completed}`,
            )
            .join(' · ')}`,
        );
    }
  } finally {
    extra.stop();
    await stop(child, 240_000);
    await receiver.stop();
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const afterWarmup = samples.filter((s) => s.minute >= args['warmup-min']);
  const host = growth(afterWarmup, 'hostRssMiB');
  // Points per minute the host ingested over the run (from its first export on), beside the rate asked for: a host
  // that falls behind grows a backlog, which is memory too.
  const counted = samples.filter((s) => Number.isFinite(s.pointsIngested));
  const ingestedPerMin =
    counted.length > 1
      ? Math.round(
          (counted.at(-1)!.pointsIngested - counted[0]!.pointsIngested) / (counted.at(-1)!.minute - counted[0]!.minute),
        )
      : 0;
  return {
    minutes: args.minutes,
    log: logFile,
    ratePerMin: args.rate,
    extraLedgerEventsPerMin: args['ledger-events-per-min'],
    extraLedgerEventsPublished: extra.published(),
    ingestedPointsPerMin: ingestedPerMin,
    warmupMinutes: args['warmup-min'],
    growthAfterWarmup: {
      hostRss: host,
      hostHeap: growth(afterWarmup, 'hostHeapMiB'),
      hostExternal: growth(afterWarmup, 'hostExternalMiB'),
      azurite: growth(afterWarmup, 'azuriteRssMiB'),
      cosmos: growth(afterWarmup, 'cosmosRssMiB'),
    },
    hostRssFlat: host ? host.percentPerHour < 10 : undefined,
    subscriptions: busSummary(samples),
    runs: byAttributes(receiver, METRICS.runs.name),
    runDurationS: byAttributes(receiver, METRICS.runDuration.name),
    dispatchLatencyMs: byAttributes(receiver, METRICS.dispatchLatency.name),
    samples,
  };
}
