import type { CleansingScore } from '../score/cleansing-score.js';
import type { LiveSnapshot } from './live-console.js';
import type { OptimizationTally } from './optimization-watch.js';
import type { BridgeCounters } from '../bridge/ingress-bridge.js';
import type { MqttBrokerCounters } from '../emulators/mqtt.js';
import type { EdgeNodeCounters } from '../plc/edge-node.js';
import type { EnvelopeAudit } from '../score/envelope-audit.js';
import type { SparkplugGatewayStats } from '../../shared/sparkplug/scada-gateway.js';

/** The plant side of a run: Sparkplug host, ingress bridge, broker, edge nodes and the envelope audit. */
export interface PlantSummary {
  gateway: SparkplugGatewayStats | undefined;
  bridge: BridgeCounters;
  broker: MqttBrokerCounters;
  edge: EdgeNodeCounters[];
  envelope: EnvelopeAudit;
  externalChangesSeen: number | undefined;
  /** The dispatcher's commands by how they ended (local/console/external-changes.ts). */
  commands: Record<string, number> | undefined;
}

const nonZero = (r: Record<string, number>) =>
  Object.entries(r)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

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
  plant?: PlantSummary;
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
        `${t.setPointEvents} set points recommended, ${o.plc.applied} applied by the simulated PLC, ${o.plc.refused} refused by it.${o.lastStatus ? ` Last: ${o.lastStatus}.` : ''}`,
    );
  }
  const p = r.plant;
  if (p) printPlant(p);
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
      `  valid points sent ${fmt(s.validPointsSent)} · lost ${s.lost}${s.lost > 0 ? ` (e.g. ${s.lostExamples.join(', ')})` : ''} · in silver twice ${s.duplicatedInSilver} · silver rows read back ${fmt(s.silverRows)} · quarantine records ${fmt(s.quarantineRecords)}`,
    );
  }
  console.log(`Ground-truth labels: ${r.runDir}/labels.jsonl · browse the lake with: npm run lake -- ls`);
}

function printPlant(p: PlantSummary): void {
  const g = p.gateway;
  const edgeRefused: Record<string, number> = {};
  for (const e of p.edge)
    for (const [code, n] of Object.entries(e.commandsRefused)) edgeRefused[code] = (edgeRefused[code] ?? 0) + n;
  const sum = (f: (e: EdgeNodeCounters) => number) => p.edge.reduce((s, e) => s + f(e), 0);
  console.log('\nPlant (Sparkplug B):');
  if (p.commands) {
    const c = p.commands;
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const of = (prefix: string) =>
      Object.entries(c)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((a, [, n]) => a + n, 0);
    console.log(
      `  Commands: ${total} set-point commands from the recommendations — applied (confirmed by read-back) ${of('acknowledged')}, ` +
        `refused by the envelope ${of('rejected')}, failed ${of('failed')}, not final ${total - of('acknowledged') - of('rejected') - of('failed')}; ` +
        `${nonZero(Object.fromEntries(Object.entries(c).filter(([k]) => k.includes(':'))))}.`,
    );
  }
  if (g)
    console.log(
      `  Set points applied (confirmed by the PLC's read-back) ${g.confirmed}, refused by the PLC ${g.refusedByPlant} (${nonZero(edgeRefused)}), ` +
        `no read-back in time ${g.timedOut}; rebirths requested ${g.rebirthsRequested}.`,
    );
  console.log(
    `  Out-of-band: ${p.envelope.hmiMoves} HMI set-point changes made, ${p.externalChangesSeen ?? '?'} seen by the platform as external; ` +
      `${sum((e) => e.panelManualEpisodes)} cells taken to manual at their local panel.`,
  );
  console.log(
    `  Envelope against the plant's own values: ${p.envelope.commandMovesChecked} commanded moves checked, ` +
      `${p.envelope.maxStepViolations + p.envelope.maxMovePerHourViolations + p.envelope.unknownEquipmentMoves} violations (max-step ${p.envelope.maxStepViolations}, max-move-per-hour ${p.envelope.maxMovePerHourViolations}, equipment not in the plant model ${p.envelope.unknownEquipmentMoves}).`,
  );
  for (const x of p.envelope.examples) console.log(`    ${x}`);
  console.log(
    `  Host refused: ${g ? nonZero(g.refusals) : 'not connected'}. Bridge: ${p.bridge.ddataForwarded.toLocaleString('en')} DDATA, ` +
      `${p.bridge.pointsForwarded.toLocaleString('en')} points to the hub, ${p.bridge.undecodableForwarded} undecodable payloads sent on for quarantine; refused ${nonZero(p.bridge.refusals)}.`,
  );
  console.log(
    `  Broker refused: ${p.broker.connectionsRefused} connections, ${p.broker.publishesRefused} publishes, ${p.broker.subscriptionsRefused} subscriptions.`,
  );
}
