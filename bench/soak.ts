/**
 * `npm run bench -- soak [--minutes 30] [--rate 150000] [--sample-s 30] [--warmup-min 5]`: memory over a long run.
 * Runs `npm start` (the devhost with the whole app, the simulated plant in its thread, Azurite and the Cosmos-compatible
 * server) at the rate for the minutes, unscored (as a run until Ctrl-C is), and samples every few seconds the
 * resident memory of the host process and of each emulator from /proc, with the host's V8 heap from its own
 * OpenTelemetry gauge (it exports to a receiver in this process) and the points it ingested. Prints the samples and,
 * after the warm-up, the growth per hour of the host's RSS and heap as a share of their level (a least-squares line
 * through the samples): under 10 %/h counts as flat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startOtlpReceiver, type OtlpReceiver } from '../local/otlp/otlp-receiver.js';
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
    },
  });
  const args = Args.parse(values);
  const receiver = await startOtlpReceiver({ keepSpans: false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-soak-'));
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
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const samples: Sample[] = [];
  const startedMs = Date.now();
  try {
    const endMs = startedMs + args.minutes * 60_000;
    while (Date.now() < endMs) {
      await new Promise((r) => setTimeout(r, Math.min(sampleMs, Math.max(0, endMs - Date.now()))));
      if (child.exitCode !== null)
        throw new Error(`npm start exited early (${child.exitCode}):\n${output.slice(-3000)}`);
      const rss = { azurite: 0, cosmos: 0, other: 0 };
      for (const d of descendants(child.pid!)) rss[roleOf(d.cmd)] += rssOf(d.pid);
      const lag = latest(receiver, METRICS.ingestLag.name);
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
      };
      samples.push(s);
      console.error(
        `[soak ${s.minute.toFixed(1)} min] host RSS ${s.hostRssMiB} MiB (heap ${s.hostHeapMiB}, external ${s.hostExternalMiB}) · Azurite ${s.azuriteRssMiB} · Cosmos ${s.cosmosRssMiB} · other ${s.otherRssMiB} MiB · ingested ${s.pointsIngested} points, mean lag ${s.meanLagMs} ms · load ${s.load1}`,
      );
    }
  } finally {
    await stop(child, 240_000);
    await receiver.stop();
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
    ratePerMin: args.rate,
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
    samples,
  };
}
