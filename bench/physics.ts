/**
 * Physics engine benchmark (`npm run bench -- physics [--cells 300] [--grid 60x30] [--hours 24]`):
 *  - cellVoltageBreakdown evaluations per second;
 *  - predictSteadyState per call (warm), the optimiser's inner loop;
 *  - the 2D coupled cell on a 100 × 50 grid, 24 h of process time (wall time; target ≤ 2 s);
 *  - a 300-cell potline of 24 h what-if runs spread over all cores with worker_threads (target ≤ 60 s).
 * This file is also the worker script (it recognises its own workerData).
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  BASE_DESIGN,
  BASE_SET_POINTS,
  BASE_STATE,
  matchedFeedIntervalS,
  type CellDesign,
  type SetPoints,
} from '../shared/physics/cell/design.js';
import { baseCell } from '../shared/physics/electrochemistry/base-cell.js';
import { cellVoltageBreakdown } from '../shared/physics/electrochemistry/cell-voltage.js';
import { CoupledCell } from '../shared/physics/cell/coupled.js';
import { predictSteadyState } from '../shared/physics/cell/predictor.js';
import { seededRandom } from '../shared/physics/calibration/calibrate.js';
import { whatIf } from '../shared/physics/cell/what-if.js';

interface PotlineJob {
  kind: 'physics-potline';
  cells: number[];
  nx: number;
  ny: number;
  hours: number;
  thermalStepS: number;
}

function potlineSetPoints(cell: number): SetPoints {
  const rand = seededRandom(1000 + cell);
  const ka = 122 + 8 * rand();
  return {
    lineCurrentKA: ka,
    acdCm: 2.75 + 0.3 * rand(),
    feedIntervalS: matchedFeedIntervalS(ka) * (0.97 + 0.06 * rand()),
    alf3AdditionKgPerDay: 20 + 10 * rand(),
  };
}

function designFor(nx: number, ny: number): CellDesign {
  return { ...BASE_DESIGN, crossSection: { ...BASE_DESIGN.crossSection, nx, ny } };
}

function runPotlineShare(job: PotlineJob): {
  cell: number;
  ms: number;
  cellVoltageV: number;
  secKWhPerKg: number;
  finalBathTempC: number;
  anodeEffectRisk: number;
}[] {
  const design = designFor(job.nx, job.ny);
  return job.cells.map((cell) => {
    const t0 = performance.now();
    const r = whatIf({
      setPoints: potlineSetPoints(cell),
      durationH: job.hours,
      design,
      thermalStepS: job.thermalStepS,
      sampleEveryH: 1,
    });
    return {
      cell,
      ms: performance.now() - t0,
      cellVoltageV: r.steady.cellVoltageV,
      secKWhPerKg: r.steady.secKWhPerKg,
      finalBathTempC: r.final.bathTempC,
      anodeEffectRisk: r.anodeEffectRisk,
    };
  });
}

if (!isMainThread && (workerData as PotlineJob | undefined)?.kind === 'physics-potline') {
  parentPort!.postMessage(runPotlineShare(workerData as PotlineJob));
}

/**
 * A worker running this TypeScript file. `execArgv: ['--import', 'tsx']` does not reach worker entry points on
 * Node 20 ("Unknown file extension .ts"), so the worker starts from a tiny data: URL module that registers tsx's
 * ESM hooks in the worker and then imports this file.
 */
function tsWorker(url: URL, data: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(url.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: data });
}

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const cells = Number(arg(args, 'cells', '300'));
  const [pnx, pny] = arg(args, 'grid', '60x30').split('x').map(Number) as [number, number];
  const hours = Number(arg(args, 'hours', '24'));

  // 1. voltage breakdown throughput
  const inputs = Array.from({ length: 64 }, (_, k) =>
    baseCell({ lineCurrentKA: 120 + (k % 16), acdCm: 2.6 + (k % 8) * 0.08, bath: { aluminaPct: 2 + (k % 5) * 0.3 } }),
  );
  let n = 0;
  let sink = 0;
  const tv = performance.now();
  while (performance.now() - tv < 1000) {
    for (let k = 0; k < 1000; k++) sink += cellVoltageBreakdown(inputs[(n + k) & 63]!).cellVoltageV;
    n += 1000;
  }
  const voltageEvalsPerS = n / ((performance.now() - tv) / 1000);

  // 2. steady predictor (warm)
  predictSteadyState({ setPoints: BASE_SET_POINTS });
  const tp = performance.now();
  const m = 2000;
  for (let k = 0; k < m; k++)
    sink += predictSteadyState({ setPoints: { ...BASE_SET_POINTS, acdCm: 2.7 + (k % 20) * 0.02 } }).cellVoltageV;
  const predictorMsPerCall = (performance.now() - tp) / m;

  // 3. 2D coupled cell, 100 × 50, 24 h
  const ti = performance.now();
  const cell = new CoupledCell(BASE_STATE, { ...BASE_SET_POINTS, acdCm: 2.8 }, { thermalStepS: 300 });
  const initMs = performance.now() - ti;
  const t24 = performance.now();
  for (let k = 0; k < 288; k++) cell.step();
  const coupled24hMs = performance.now() - t24;
  const cell120 = new CoupledCell(BASE_STATE, { ...BASE_SET_POINTS, acdCm: 2.8 }, { thermalStepS: 120 });
  const t120 = performance.now();
  for (let k = 0; k < 720; k++) cell120.step();
  const coupled24hMsDt120 = performance.now() - t120;

  // 4. potline on all cores
  const workers = Math.max(1, Math.min(os.cpus().length, cells));
  const shares: number[][] = Array.from({ length: workers }, () => []);
  for (let c = 0; c < cells; c++) shares[c % workers]!.push(c);
  const tl = performance.now();
  const results = (
    await Promise.all(
      shares.map(
        (share) =>
          new Promise<ReturnType<typeof runPotlineShare>>((resolve, reject) => {
            const job: PotlineJob = {
              kind: 'physics-potline',
              cells: share,
              nx: pnx,
              ny: pny,
              hours,
              thermalStepS: 300,
            };
            const w = tsWorker(new URL(import.meta.url), job);
            w.once('message', (msg) => {
              resolve(msg as ReturnType<typeof runPotlineShare>);
              void w.terminate();
            });
            w.once('error', reject);
            w.once('exit', (code) => {
              if (code !== 0) reject(new Error(`potline worker exited with ${code}`));
            });
          }),
      ),
    )
  ).flat();
  const potlineWallS = (performance.now() - tl) / 1000;
  const msPerCell = results.map((r) => r.ms).sort((a, b) => a - b);
  const sec = results.map((r) => r.secKWhPerKg);
  return {
    voltageBreakdown: { evaluationsPerS: Math.round(voltageEvalsPerS) },
    steadyPredictor: { msPerCall: Number(predictorMsPerCall.toFixed(4)), targetMs: 1 },
    coupledCell2D: {
      grid: `${BASE_DESIGN.crossSection.nx}x${BASE_DESIGN.crossSection.ny}`,
      processHours: 24,
      thermalStepS: 300,
      wallMs: Math.round(coupled24hMs),
      targetMs: 2000,
      initSteadyMs: Math.round(initMs),
      wallMsAtThermalStep120s: Math.round(coupled24hMsDt120),
      finalBathTempC: Number(cell.snapshot().bathTempC.toFixed(2)),
    },
    potline: {
      cells,
      workers,
      grid: `${pnx}x${pny}`,
      processHours: hours,
      thermalStepS: 300,
      wallS: Number(potlineWallS.toFixed(2)),
      targetS: 60,
      perCellMs: {
        median: Math.round(msPerCell[Math.floor(msPerCell.length / 2)] ?? 0),
        p95: Math.round(msPerCell[Math.floor(msPerCell.length * 0.95)] ?? 0),
      },
      secKWhPerKg: { min: Math.min(...sec), max: Math.max(...sec) },
      anodeEffectRiskMax: Math.max(...results.map((r) => r.anodeEffectRisk)),
    },
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    checksum: Number(sink.toFixed(3)),
  };
}
