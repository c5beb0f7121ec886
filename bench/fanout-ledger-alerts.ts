/**
 * `npm run bench -- fanout-ledger-alerts [--hours H] [--cells N] [--appends N] [--points N]`:
 * local ledger appends/s (lake in memory, so the figure is the ledger's own cost: hashing, Merkle, signing),
 * alert rule evaluation throughput (points/s: the evaluator alone, and the telemetry consumer's batch step with a
 * store and anomaly detection), and anomaly detection scored against the simulator's labels
 * (precision and recall per anomaly type, on a seeded potline run with a virtual clock).
 */
import { parseArgs } from 'node:util';
import { AlertRecords } from '../shared/alerts/alert-records.js';
import { AlertEvaluator } from '../shared/alerts/evaluator.js';
import type { Notifier } from '../shared/alerts/notifier.js';
import { MemoryAlertStore } from '../shared/alerts/store.js';
import { evaluateTelemetryBatch } from '../shared/alerts/telemetry-alerts.js';
import { RecordingEventPublisher } from '../shared/messaging/event-publisher.js';
import { parseAlertRule, type AlertRuleInput } from '../shared/alerts/rule.js';
import type { Anomaly } from '../shared/alerts/anomaly/cell-detector.js';
import { PotlineAnomalyDetector } from '../shared/alerts/anomaly/potline-detector.js';
import { scoreAnomalies } from '../shared/alerts/anomaly/scoring.js';
import { MemoryLakeStore } from '../shared/lake/lake-store.js';
import { recordPlantEvent } from '../shared/ledger/ledger-writer.js';
import { LocalAuditLedger } from '../shared/ledger/local-ledger.js';
import { verifyLocalLedger } from '../shared/ledger/verify-ledger.js';
import { cloudEvent } from '../shared/messaging/cloud-event.js';
import { PlantEventType } from '../shared/messaging/subscriptions.js';
import {
  createPotline,
  memorySink,
  NO_FAULTS,
  pointTsMs,
  runSimulator,
  virtualClock,
  type EventBody,
  type Label,
} from '../local/simulator/index.js';

export interface SimulatedDetection {
  detections: Anomaly[];
  /** The stream the detectors read (kept so other figures can reuse it). */
  stream: StreamPoint[];
  labels: readonly Label[];
  points: number;
  simulatedCellHours: number;
  detectMs: number;
}

interface StreamPoint {
  lineId: string;
  cellId: string;
  tag: string;
  tsMs: number;
  value: number;
}

/** Every point of the bodies, in send order. The stream is clean (NO_FAULTS): detectors run on silver data. */
export function pointsOf(events: readonly EventBody[]): StreamPoint[] {
  const out: StreamPoint[] = [];
  for (const e of events) {
    const parsed = JSON.parse(e.body) as unknown;
    const list = (Array.isArray(parsed) ? parsed : ((parsed as { points?: unknown[] }).points ?? [parsed])) as {
      lineId: string;
      cellId: string;
      tag: string;
      ts: string | number;
      value: number;
    }[];
    for (const p of list)
      out.push({ lineId: p.lineId, cellId: p.cellId, tag: p.tag, tsMs: pointTsMs(p), value: p.value });
  }
  return out;
}

/** Runs a seeded potline for `hours` and the detectors over its stream. Feeder chokes are raised so anode effects are frequent. */
export async function simulateAndDetect(o: {
  cells: number;
  hours: number;
  seed: number;
  chokesPerCellDay: number;
  ratePerMin: number;
}): Promise<SimulatedDetection> {
  const potline = createPotline({
    lines: 1,
    cellsPerLine: o.cells,
    seed: o.seed,
    feederChokesPerCellDay: o.chokesPerCellDay,
  });
  const sink = memorySink();
  const run = runSimulator({
    potline,
    sink,
    ratePerMin: o.ratePerMin,
    durationS: o.hours * 3600,
    clock: virtualClock(0),
    faults: NO_FAULTS,
  });
  await run.done;
  const points = pointsOf(sink.events);
  const detector = new PotlineAnomalyDetector();
  const t0 = performance.now();
  const detections: Anomaly[] = [];
  for (const p of points) detections.push(...detector.observe(p));
  return {
    detections,
    stream: points,
    labels: run.labels.labels(),
    points: points.length,
    simulatedCellHours: o.cells * o.hours,
    detectMs: performance.now() - t0,
  };
}

async function ledgerAppendsPerS(appends: number): Promise<Record<string, number>> {
  const lake = new MemoryLakeStore();
  const ledger = await LocalAuditLedger.open(lake, { collectionId: 'plant-bench' });
  const events = Array.from({ length: appends }, (_, i) =>
    cloudEvent(
      PlantEventType.setpointRecommended,
      `L1-C${String((i % 100) + 1).padStart(3, '0')}`,
      { commandId: `cmd-${i}`, acdCm: 4.5, state: 'proposed' },
      { id: `bench/${i}`, source: '/bench', time: new Date(Date.UTC(2025, 0, 1) + i * 1000) },
    ),
  );
  const t0 = performance.now();
  for (const e of events) await recordPlantEvent(e, { ledger, lake, collectionId: 'plant-bench' });
  const appendMs = performance.now() - t0;
  const t1 = performance.now();
  for (const e of events.slice(0, Math.min(100, appends)))
    await recordPlantEvent(e, { ledger, lake, collectionId: 'plant-bench' });
  const duplicateMs = (performance.now() - t1) / Math.min(100, appends);
  const t2 = performance.now();
  const verified = await verifyLocalLedger(lake, { collectionId: 'plant-bench' });
  const verifyMs = performance.now() - t2;
  if (!verified.ok)
    throw new Error(`bench ledger failed its own verification: ${JSON.stringify(verified.firstBroken)}`);
  return {
    appends,
    appendsPerS: Math.round((appends / appendMs) * 1000),
    duplicateCheckMs: Math.round(duplicateMs * 1000) / 1000,
    verifyEntriesPerS: Math.round((appends / verifyMs) * 1000),
  };
}

/** The rules the throughput figures judge the stream with: an anode-effect rule with escalation, a jump, a band and a floor. */
function benchRules(): AlertRuleInput[] {
  return [
    {
      id: 'v-high',
      name: 'Anode effect',
      scope: { tag: 'cellVoltage' },
      condition: { kind: 'above', raise: 8, clear: 5 },
      raiseForS: 10,
      severity: 'critical',
      channels: ['ops'],
      escalation: { afterMin: 15, channels: ['lead'] },
    },
    {
      id: 'v-rate',
      name: 'Voltage jump',
      scope: { tag: 'cellVoltage' },
      condition: { kind: 'rate_of_change', raisePerMin: 60, clearPerMin: 5 },
      raiseForS: 5,
      severity: 'critical',
      channels: ['ops'],
    },
    {
      id: 'bath-band',
      name: 'Bath band',
      scope: { tag: 'bathTemp' },
      condition: { kind: 'outside_band', low: { raise: 940, clear: 945 }, high: { raise: 985, clear: 978 } },
      raiseForS: 120,
      severity: 'warning',
      channels: ['ops'],
    },
    {
      id: 'metal-low',
      name: 'Metal low',
      scope: { tag: 'metalHeight' },
      condition: { kind: 'below', raise: 15, clear: 16 },
      severity: 'info',
      channels: ['ops'],
    },
  ];
}

function alertThroughput(points: readonly StreamPoint[]): Record<string, number> {
  const rules = benchRules();
  let now = points[0]?.tsMs ?? 0;
  const evaluator = new AlertEvaluator(rules.map(parseAlertRule), { nowMs: () => now });
  let transitions = 0;
  const t0 = performance.now();
  for (const p of points) {
    now = p.tsMs;
    transitions += evaluator.observe(p).length;
  }
  transitions += evaluator.tick().length;
  const ms = performance.now() - t0;
  return {
    points: points.length,
    rules: rules.length,
    pointsPerS: Math.round((points.length / ms) * 1000),
    transitions,
    alerts: evaluator.book.all().length,
  };
}

/** A notifier that only counts (the channels' own latency is not what this measures). */
class CountingNotifier implements Notifier {
  sent = 0;
  async notify(): Promise<void> {
    this.sent++;
  }
}

/**
 * The same stream through the telemetry consumer's batch step (telemetry-alerts.ts): rules, anomaly detectors, every
 * alert change applied to a store with its version checks and published, in batches as the hub delivers them. The
 * store is in memory, so the figure is the domain's cost, not Cosmos's.
 */
async function alertThroughputWithStore(
  points: readonly StreamPoint[],
  batchSize = 1000,
): Promise<Record<string, unknown>> {
  let now = points[0]?.tsMs ?? 0;
  const publisher = new RecordingEventPublisher();
  const deps = {
    evaluator: new AlertEvaluator(benchRules().map(parseAlertRule), { nowMs: () => now }),
    records: new AlertRecords({ store: new MemoryAlertStore(), publisher }),
    notifier: new CountingNotifier(),
    detector: new PotlineAnomalyDetector(),
    publisher,
  };
  const transitions: Record<string, number> = {};
  const t0 = performance.now();
  for (let i = 0; i < points.length; i += batchSize) {
    const batch = points.slice(i, i + batchSize);
    now = batch.at(-1)!.tsMs;
    const summary = await evaluateTelemetryBatch(batch, deps);
    for (const [k, v] of Object.entries(summary.transitions)) transitions[k] = (transitions[k] ?? 0) + v;
  }
  const ms = performance.now() - t0;
  return {
    points: points.length,
    batchSize,
    pointsPerS: Math.round((points.length / ms) * 1000),
    transitions,
    eventsPublished: publisher.published.length,
    notifications: deps.notifier.sent,
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      hours: { type: 'string' },
      cells: { type: 'string' },
      appends: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const hours = Number(values.hours ?? 24);
  const cells = Number(values.cells ?? 8);
  const appends = Number(values.appends ?? 2000);
  const seed = Number(values.seed ?? 7);
  const ledger = await ledgerAppendsPerS(appends);
  // 30 chokes per cell-day (300 × the plant default) so a day of 8 cells holds dozens of anode effects to score.
  const sim = await simulateAndDetect({ cells, hours, seed, chokesPerCellDay: 30, ratePerMin: 150 * cells });
  const scores = scoreAnomalies(sim.detections, sim.labels);
  return {
    ledger,
    alertEvaluation: alertThroughput(sim.stream),
    alertEvaluationWithStore: await alertThroughputWithStore(sim.stream),
    anomalyDetection: {
      stream: { cells, hours, points: sim.points, chokesPerCellDay: 30, faults: 'none (detectors read cleansed data)' },
      detectorPointsPerS: Math.round((sim.points / sim.detectMs) * 1000),
      labelsByKind: countBy(sim.labels.map((l) => l.kind)),
      perType: scores,
      /** Types the simulator does not label: detections per cell-hour on a stream with no such fault injected. */
      unlabelledNearAnodeEffect: nearAnodeEffectShare(sim),
      unlabelledPerCellHour: Object.fromEntries(
        Object.entries(scores)
          .filter(([, v]) => v.labels === undefined)
          .map(([k, v]) => [k, Math.round((v.detections / sim.simulatedCellHours) * 100) / 100]),
      ),
    },
  };
}

/** Share of unlabelled detections within 30 min of an anode effect on the same cell (the physics of an AE moves both signals). */
function nearAnodeEffectShare(sim: SimulatedDetection): Record<string, number> {
  const marginMs = 30 * 60_000;
  const aes = sim.labels.filter((l) => l.kind === 'anode_effect');
  const out: Record<string, number> = {};
  for (const type of ['voltage_noise', 'temperature_drift'] as const) {
    const mine = sim.detections.filter((d) => d.anomalyType === type);
    const near = mine.filter((d) =>
      aes.some(
        (l) =>
          l.cellId === d.cellId &&
          d.detectedAtMs >= (l.tsMs ?? 0) - marginMs &&
          d.detectedAtMs <= Number(l.detail?.endTsMs ?? l.tsMs ?? 0) + marginMs,
      ),
    );
    out[type] = mine.length > 0 ? Math.round((near.length / mine.length) * 1000) / 1000 : 0;
  }
  return out;
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
