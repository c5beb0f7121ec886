/**
 * Set-point optimiser benchmark: wall time for a 24-cell and a 300-cell line of the default potline (median of
 * repeats, after one warm-up that loads HiGHS), SLP iterations, and the share of runs that converge over random
 * line states (seeded default-potline lines). Args: --runs N (default 100), --cells N per random line (default 24),
 * --repeats N for the timed lines (default 3).
 */
import { defaultLine } from '../shared/optimize/default-potline.js';
import { optimizeLine } from '../shared/optimize/optimize-line.js';
import type { Recommendation } from '../shared/optimize/recommendation.js';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

async function timed(cells: number, seed: number): Promise<{ ms: number; r: Recommendation }> {
  const problem = defaultLine({ lineId: 'B', cells, seed });
  const t0 = performance.now();
  const r = await optimizeLine(problem);
  return { ms: performance.now() - t0, r };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const runs = arg(args, '--runs', 100);
  const randomCells = arg(args, '--cells', 24);
  const repeats = arg(args, '--repeats', 3);
  await timed(4, 1); // warm-up: HiGHS WebAssembly load and JIT

  const line = async (cells: number) => {
    const samples: { ms: number; r: Recommendation }[] = [];
    for (let k = 0; k < repeats; k++) samples.push(await timed(cells, 1001));
    const r = samples[0]!.r;
    return {
      cells,
      wallMsMedian: Math.round(median(samples.map((s) => s.ms))),
      wallMsAll: samples.map((s) => Math.round(s.ms)),
      status: r.status,
      iterations: r.solver.iterations,
      lpSolves: r.solver.lpSolves,
      secChangePct: Number(r.secKWhPerKg.changePct.toFixed(3)),
      productionChangePct: Number(r.productionKgPerDay.changePct.toFixed(3)),
    };
  };
  const line24 = await line(24);
  const line300 = await line(300);

  const times: number[] = [];
  const iterations: number[] = [];
  const statuses: Record<string, number> = {};
  const terminations: Record<string, number> = {};
  let converged = 0;
  let secSum = 0;
  for (let k = 0; k < runs; k++) {
    const { ms, r } = await timed(randomCells, 50_000 + k);
    times.push(ms);
    iterations.push(r.solver.iterations);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    terminations[r.solver.termination] = (terminations[r.solver.termination] ?? 0) + 1;
    if (r.solver.termination === 'converged' || r.solver.termination === 'trust-region-collapsed') converged++;
    secSum += r.secKWhPerKg.changePct;
  }
  return {
    line24,
    line300,
    randomStates: {
      runs,
      cellsPerLine: randomCells,
      convergedShare: converged / runs,
      feasibleOrFallbackShare: 1,
      statuses,
      terminations,
      iterationsMedian: median(iterations),
      iterationsMax: Math.max(...iterations),
      wallMsMedian: Math.round(median(times)),
      wallMsP90: Math.round(quantile(times, 0.9)),
      meanSecChangePct: Number((secSum / runs).toFixed(3)),
    },
    targets: { line300WallMs: 2000, plantP90WallMs: 30_000, plantConvergedShare: 0.8 },
  };
}
