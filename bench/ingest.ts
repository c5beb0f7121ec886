/**
 * `npm run bench -- ingest [phaseSeconds]`: the telemetry path end to end in the devhost (real app, Azurite, the
 * Cosmos-compatible server), plus the cleansing core on one core (bench/ingest-core.ts).
 *  - latency: enqueue → silver written, p50/p95/p99, at 50,000 and 150,000 points/min (simulator stream with faults);
 *  - sustained: rising rates until ingestion falls behind (backlog left after the phase, or p95 over 2 s).
 * Bodies are generated before each phase (seeded simulator on a virtual clock) and replayed at the target rate, so
 * generating them does not compete with ingestion for the CPU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevhost, type DevhostHandle } from '../local/devhost/devhost.js';
import { LiveConsole } from '../local/console/live-console.js';
import { virtualClock } from '../local/simulator/clock.js';
import { createPotline } from '../local/simulator/potline.js';
import { runSimulator } from '../local/simulator/runner.js';
import { memorySink } from '../local/simulator/sinks/memory-sink.js';
import { ingestMetrics, resetIngestMetrics } from '../shared/observability/ingest-metrics.js';
import { run as runCore } from './ingest-core.js';
import { applyLocalSettingsDefaults } from '../local/settings-defaults.js';

const SLICE_MS = 100;

async function generate(ratePerMin: number, seconds: number, seed: number) {
  const startMs = Date.now();
  const sink = memorySink();
  const sim = runSimulator({
    potline: createPotline({ lines: 3, cellsPerLine: 100, seed, startMs }),
    sink,
    ratePerMin,
    durationS: seconds,
    clock: virtualClock(startMs),
  });
  const counters = await sim.done;
  return { bodies: sink.events, points: counters.pointsSent };
}

/** Replays bodies evenly over `seconds` in 100 ms slices, then waits (bounded) for ingestion to catch up. */
async function phase(devhost: DevhostHandle, live: LiveConsole, ratePerMin: number, seconds: number, seed: number) {
  const { bodies, points } = await generate(ratePerMin, seconds, seed);
  resetIngestMetrics();
  const hub = devhost.hub('telemetry');
  const slices = Math.round((seconds * 1000) / SLICE_MS);
  const perSlice = Math.ceil(bodies.length / slices);
  const start = Date.now();
  for (let i = 0; i < slices; i++) {
    hub.send(bodies.slice(i * perSlice, (i + 1) * perSlice));
    const due = start + (i + 1) * SLICE_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  const sendS = (Date.now() - start) / 1000;
  const backlogAtEnd = live.backlog();
  const caughtUp = await live.waitForCatchUp(60_000);
  const drainS = (Date.now() - start) / 1000 - sendS;
  const l = ingestMetrics.latencyMs;
  return {
    ratePerMin,
    pointsSent: points,
    pointsIngested: ingestMetrics.pointsIn,
    achievedPointsPerMin: Math.round((ingestMetrics.pointsIn / (sendS + drainS)) * 60),
    latencyMs: {
      p50: Math.round(l.quantile(0.5)),
      p95: Math.round(l.quantile(0.95)),
      p99: Math.round(l.quantile(0.99)),
    },
    backlogEventsWhenSendingEnded: backlogAtEnd,
    drainSeconds: Number(drainS.toFixed(2)),
    caughtUp,
    batches: ingestMetrics.batches,
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const seconds = Number(args[0] ?? 30);
  const core = await runCore(['300000']);
  applyLocalSettingsDefaults();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  const devhost = await startDevhost({
    appEntry: 'functions/index.ts',
    dataDir: dir,
    httpPort: 0,
    startAzurite: true,
    startCosmos: true,
    logLevel: 'error',
    settings: { TELEMETRY_HUB: 'telemetry', TELEMETRY_CONSUMER_GROUP: 'ingest' },
  });
  const live = new LiveConsole(devhost, 'telemetry', () => ({ pointsSent: 0, lagMs: 0 }), true);
  try {
    const latency = [];
    for (const rate of [50_000, 150_000]) latency.push(await phase(devhost, live, rate, seconds, rate));
    const sustained = [];
    let highestSustainedPerMin = 0;
    for (const rate of [300_000, 600_000, 1_000_000, 1_500_000, 2_000_000]) {
      const p = await phase(devhost, live, rate, Math.min(seconds, 20), rate);
      sustained.push(p);
      // Sustained: the backlog left when sending stopped drains within 2 s and p95 stays under 2 s.
      const ok = p.caughtUp && p.drainSeconds <= 2 && p.latencyMs.p95 <= 2000;
      if (!ok) break;
      highestSustainedPerMin = rate;
    }
    return { core, endToEnd: { partitions: 4, latency, sustained, highestSustainedPerMin } };
  } finally {
    await devhost.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
