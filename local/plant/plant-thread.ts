/** Starts the simulated plant in a worker thread (local/plant/plant-worker.ts) and follows it from the main thread. */
import { Worker } from 'node:worker_threads';
import type { PlantCounters, PlantFinal, PlantMessage, PlantThreadOptions } from './plant-options.js';

export interface PlantThread {
  /** The newest counters the plant posted (every second). */
  counters(): PlantCounters | undefined;
  /** Resolves when the simulator reached its duration. */
  readonly done: Promise<void>;
  /** Stops the simulator's telemetry; the pot controllers still take commands. */
  stopSimulator(): Promise<void>;
  /** Stops the simulator and the pot controllers (NDEATH); resolves with what the scoring needs. */
  stop(): Promise<PlantFinal>;
}

export async function startPlantThread(options: PlantThreadOptions): Promise<PlantThread> {
  // `execArgv: ['--import', 'tsx']` does not reach worker entry points on Node 20: a data: URL module registers
  // tsx's hooks in the worker, then imports the entry (as bench/physics.ts does).
  const entry = new URL('./plant-worker.ts', import.meta.url);
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry.href)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData: options,
  });
  let latest: PlantCounters | undefined;
  let resolveDone!: () => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let resolveFinal: ((f: PlantFinal) => void) | undefined;
  let resolveSimulatorStopped: (() => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: PlantMessage) => {
      if (m.kind === 'ready') resolve();
      else if (m.kind === 'counters') latest = m.counters;
      else if (m.kind === 'done') resolveDone();
      else if (m.kind === 'final') resolveFinal?.(m.final);
      else if (m.kind === 'simulator-stopped') resolveSimulatorStopped?.();
      else if (m.kind === 'error') {
        const e = new Error(`the plant thread failed: ${m.message}`);
        reject(e);
        rejectDone(e);
      }
    });
    worker.once('error', (e) => {
      reject(e);
      rejectDone(e);
    });
  });
  await ready;
  let stopping: Promise<PlantFinal> | undefined;
  let stoppingSimulator: Promise<void> | undefined;
  return {
    counters: () => latest,
    done,
    stopSimulator: () =>
      (stoppingSimulator ??= new Promise<void>((resolve) => {
        resolveSimulatorStopped = resolve;
        worker.postMessage({ kind: 'stop-simulator' });
      })),
    stop: () =>
      (stopping ??= new Promise<PlantFinal>((resolve) => {
        resolveFinal = (f) => {
          latest = f;
          resolve(f);
        };
        worker.postMessage({ kind: 'stop' });
      })),
  };
}
