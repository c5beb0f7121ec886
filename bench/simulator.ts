/**
 * `npm run bench -- simulator [--seconds 60] [--rate 50000]`: how fast the plant simulator generates telemetry
 * on one core (virtual clock, in-memory sink), so we know it is never the bottleneck of an ingest benchmark.
 */
import { parseArgs } from 'node:util';
import { createPotline, memorySink, runSimulator, virtualClock } from '../local/simulator/index.js';

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string' }, rate: { type: 'string' } },
    strict: false,
  });
  const simulatedS = Number(values.seconds ?? 60);
  const results: Record<string, unknown>[] = [];
  for (const ratePerMin of values.rate ? [Number(values.rate)] : [50_000, 1_000_000]) {
    const potline = createPotline({ seed: 1 });
    const sink = memorySink();
    const startedMs = performance.now();
    const counters = await runSimulator({ potline, sink, ratePerMin, durationS: simulatedS, clock: virtualClock(0) })
      .done;
    const elapsedS = (performance.now() - startedMs) / 1000;
    const bytes = sink.events.reduce((sum, e) => sum + e.body.length, 0);
    results.push({
      ratePerMin,
      simulatedS,
      pointsSent: counters.pointsSent,
      bodiesSent: counters.bodiesSent,
      wallS: Number(elapsedS.toFixed(2)),
      pointsPerSecond: Math.round(counters.pointsSent / elapsedS),
      speedUpOverRealTime: Number((simulatedS / elapsedS).toFixed(1)),
      meanBodyBytes: Math.round(bytes / Math.max(1, counters.bodiesSent)),
    });
  }
  return { potline: '3 lines × 100 cells', runs: results };
}
