import type { CleansingScore } from '../score/cleansing-score.js';
import type { LiveSnapshot } from './live-console.js';
import type { OptimizationTally } from './optimization-watch.js';

const fmt = (n: number) => (Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en'));

/** Prints the end-of-run summary: throughput, latency, quarantine, and the cleansing scorecard per fault type. */
export function printSummary(r: {
  runId: string;
  runDir: string;
  wallS: number;
  counters: { pointsSent: number; bodiesSent: number };
  live: LiveSnapshot;
  scorecard: (CleansingScore & { silverRows: number; quarantineRecords: number }) | undefined;
  optimization?: { tally: OptimizationTally; lastStatus: string; plc: { applied: number; refused: number } };
}): void {
  const { live } = r;
  console.log(`\n=== Run ${r.runId} summary (${r.wallS.toFixed(0)} s) ===`);
  console.log(`Simulator sent ${fmt(r.counters.pointsSent)} points in ${fmt(r.counters.bodiesSent)} bodies.`);
  console.log(
    `Ingest: ${fmt(live.pointsIn)} points in ${fmt(live.batches)} batches (${fmt(live.pointsIn / Math.max(1, r.wallS))} points/s), ` +
      `${fmt(live.silverRows)} silver rows (${fmt(live.interpolated)} interpolated), ${fmt(live.filesWritten)} files written.`,
  );
  console.log(
    `Enqueue→silver latency: p50 ${fmt(live.latencyMs.p50)} ms, p95 ${fmt(live.latencyMs.p95)} ms, p99 ${fmt(live.latencyMs.p99)} ms.`,
  );
  console.log(`Quarantined: ${live.quarantined.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`);
  console.log(`Flagged in silver: ${live.flagged.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`);
  if (live.failedInvocations || live.abandonedBatches) {
    console.log(
      `Failures: ${live.failedInvocations} failed invocations (retried), ${live.abandonedBatches} batches abandoned after their retries — see the log above.`,
    );
  }
  const o = r.optimization;
  if (o) {
    const t = o.tally;
    console.log(
      `Optimisation: ${t.runs} run(s) — completed ${t.completed}, fallback ${t.fallback}, failed ${t.failed}, still going ${t.running}; ` +
        `${t.setPointEvents} set points recommended, ${o.plc.applied} applied by the simulated PLC, ${o.plc.refused} refused.${o.lastStatus ? ` Last: ${o.lastStatus}.` : ''}`,
    );
  }
  if (live.backlogEvents > 0)
    console.log(
      `Not yet processed when the run ended: ${live.backlogEvents} events (they stay in the local hub and are processed on the next start).`,
    );
  const s = r.scorecard;
  if (s) {
    console.log("\nCleansing scorecard against the simulator's labels:");
    const rows = Object.entries(s.byKind).sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `  ${'fault'.padEnd(28)}${'injected'.padStart(10)}${'caught'.padStart(10)}${'missed'.padStart(10)}${'unseeable'.padStart(11)}`,
    );
    for (const [kind, k] of rows)
      console.log(
        `  ${kind.padEnd(28)}${fmt(k.injected).padStart(10)}${fmt(k.detected).padStart(10)}${fmt(k.missed).padStart(10)}${fmt(k.undetectable).padStart(11)}`,
      );
    if (rows.some(([, k]) => k.undetectable > 0)) {
      console.log(
        "  (unseeable: a spike among a sensor's first samples, with no baseline yet; a short dropout before the sensor's rhythm is learned; a stuck run cut short by the end of the run)",
      );
    }
    console.log(
      `  valid points sent ${fmt(s.validPointsSent)} · lost ${s.lost} · in silver twice ${s.duplicatedInSilver} · silver rows read back ${fmt(s.silverRows)} · quarantine records ${fmt(s.quarantineRecords)}`,
    );
  }
  console.log(`Ground-truth labels: ${r.runDir}/labels.jsonl · browse the lake with: npm run lake -- ls`);
}
