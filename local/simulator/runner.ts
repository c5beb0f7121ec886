/**
 * Runs the simulated plant against a sink: steps the potline, samples the sensors, injects faults, packs
 * Event Hub bodies and sends them — paced by a clock (real time, or a virtual clock as fast as possible).
 */
import { encodeBodies, type EventBody } from './bodies.js';
import { realClock, type Clock } from './clock.js';
import { createEmitter, type PointsByKey } from './emitter.js';
import { fromZodIssues } from './errors.js';
import { FaultRates, type FaultRatesInput } from './faults.js';
import { createLabelRecorder, type LabelRecorder } from './labels.js';
import type { Potline } from './potline.js';
import { createProcessLabeller } from './process-labels.js';
import { createRng } from './prng.js';
import type { SamplingPlan } from './sampling.js';
import type { TelemetrySink } from './sinks/sink.js';
import type { SetPointField } from '../../shared/plant/set-point.js';
import type { EmittedPoint } from './point.js';

export interface RunSimulatorOptions {
  potline: Potline;
  sink: TelemetrySink;
  /** Points per minute over the whole potline (default 50,000). */
  ratePerMin?: number;
  /** Simulated seconds to run; runs until stop() when absent. */
  durationS?: number;
  /** Pacing: realClock() (default) or virtualClock(startMs) for as fast as possible. */
  clock?: Clock;
  faults?: FaultRatesInput;
  /** Where ground-truth labels go (default: a fresh in-memory recorder). */
  labels?: LabelRecorder;
  /** Called after each step's send, e.g. for a progress line. */
  onStep?: (counters: SimulatorCounters) => void;
}

export interface SimulatorCounters {
  /** Valid points sent (duplicates and out-of-order points included, corrupt bodies not). */
  pointsSent: number;
  bodiesSent: number;
  /** Extra corrupt bodies (malformed JSON, truncated) among bodiesSent. */
  corruptBodiesSent: number;
  /** Ground-truth labels recorded, by kind (data faults and process events). */
  labelsByKind: Record<string, number>;
  pointsByTag: Record<string, number>;
  steps: number;
  /** Simulated time covered, s. */
  simulatedS: number;
  /** How far the run is behind its pacing clock, ms (0 when keeping up). */
  lagMs: number;
  sendRetries: number;
}

export interface SimulatorRun {
  readonly plan: SamplingPlan;
  readonly labels: LabelRecorder;
  /** Resolves with the final counters when the run ends (duration reached or stopped); rejects if the sink fails for good. */
  readonly done: Promise<SimulatorCounters>;
  /** Ends the run after the step in progress, flushes held-back points, closes the labels; resolves like done. */
  stop(): Promise<SimulatorCounters>;
  counters(): SimulatorCounters;
  /** The read-back of fields of one equipment, reported at once (counted as sent by the caller that sends it). */
  readbackNow(equipmentId: string, fields: readonly SetPointField[], tsMs: number): EmittedPoint[];
}

/** Attempts per send before the run gives up (the hub may be restarting). */
const SEND_ATTEMPTS = 5;
/** First retry delay, ms (doubles each attempt). */
const SEND_RETRY_BASE_MS = 200;

/** Starts a run; the returned handle reports progress and stops it. */
export function runSimulator(options: RunSimulatorOptions): SimulatorRun {
  const { potline, sink } = options;
  const parsedFaults = FaultRates.safeParse(options.faults ?? {});
  if (!parsedFaults.success) throw fromZodIssues('SIM-CONFIG', 'Invalid fault rates', parsedFaults.error.issues);
  const faults = parsedFaults.data;
  const clock = options.clock ?? realClock();
  const labels = options.labels ?? createLabelRecorder();
  const rootRng = createRng(potline.seed).fork('telemetry');
  const emitter = createEmitter({
    potline,
    ratePerMin: options.ratePerMin ?? 50_000,
    faults,
    labels,
    rng: rootRng.fork('sensors'),
  });
  const bodyRng = rootRng.fork('bodies');
  const processLabeller = createProcessLabeller(labels);
  const simStartMs = potline.nowMs();
  const wallStartMs = clock.nowMs();
  const counts = { pointsSent: 0, bodiesSent: 0, steps: 0, lagMs: 0, sendRetries: 0 };
  let stopRequested = false;

  const counters = (): SimulatorCounters => {
    const labelsByKind = labels.counts();
    return {
      ...counts,
      corruptBodiesSent: (labelsByKind.malformed_json ?? 0) + (labelsByKind.truncated_batch ?? 0),
      labelsByKind,
      pointsByTag: emitter.pointsByTag(),
      simulatedS: (potline.nowMs() - simStartMs) / 1000,
    };
  };

  const send = async (points: PointsByKey): Promise<void> => {
    const bodies = encodeBodies(points, bodyRng, faults, labels, potline.nowMs());
    if (bodies.length === 0) return;
    await sendWithRetry(bodies);
    counts.bodiesSent += bodies.length;
    for (const list of points.values()) counts.pointsSent += list.length;
  };

  const sendWithRetry = async (bodies: EventBody[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await sink.send(bodies);
        return;
      } catch (error) {
        if (attempt >= SEND_ATTEMPTS) throw error;
        counts.sendRetries++;
        await clock.sleepUntil(clock.nowMs() + SEND_RETRY_BASE_MS * 2 ** (attempt - 1));
      }
    }
  };

  const loop = async (): Promise<SimulatorCounters> => {
    try {
      while (!stopRequested) {
        if (options.durationS !== undefined && potline.nowMs() - simStartMs >= options.durationS * 1000) break;
        const events = potline.step();
        counts.steps++;
        processLabeller.record(events);
        await send(emitter.collect(events, potline.nowMs()));
        options.onStep?.(counters());
        const dueWallMs = wallStartMs + (potline.nowMs() - simStartMs);
        counts.lagMs = Math.max(0, clock.nowMs() - dueWallMs);
        await clock.sleepUntil(dueWallMs);
      }
      await send(emitter.flush());
    } finally {
      processLabeller.close(potline.nowMs());
      await labels.close();
    }
    return counters();
  };

  const done = loop();
  return {
    plan: emitter.plan,
    labels,
    done,
    stop: () => {
      stopRequested = true;
      return done;
    },
    counters,
    readbackNow: (equipmentId, fields, tsMs) => {
      const points = emitter.readbackNow(equipmentId, fields, tsMs);
      counts.pointsSent += points.length;
      return points;
    },
  };
}
