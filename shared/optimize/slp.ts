/**
 * Sequential linear programming with an ℓ1 trust region (Fletcher & de la Maza 1989; Nocedal & Wright,
 * Numerical Optimization, 2nd ed. §18.5 "Sℓ1QP/SLP"): at each iterate the steady model is linearised cell by cell,
 * an elastic LP (every linearised constraint has a penalised slack, so the LP is always feasible) is solved by
 * HiGHS inside a box trust region, and the step is accepted by the ratio of actual to predicted reduction of the
 * exact penalty merit  φ(x) = 100·f(x)/f(x₀) + μ·Σ violation/scale.
 */
import { PhysicsError } from '../physics/errors.js';
import { INPUT_KEYS, linearizeCell, OUTPUT_KEYS, type CellLinearization, type OutputKey } from './linearize.js';
import {
  constraintValues,
  currentIndex,
  evaluateLine,
  setPointsOf,
  VARS_PER_CELL,
  type ConstraintSpec,
  type LineEvaluation,
  type LineModel,
} from './line-model.js';
import { solveLp, type Lp, type LpRow } from './lp.js';

export interface SlpOptions {
  maxIterations: number;
  /** Penalty per unit of scaled violation in the merit, in objective-percent units. */
  penalty: number;
  /** The LP aims this many constraint scales inside each limit, so rounding and curvature keep the answer feasible. */
  marginScales: number;
  /** Stop when the LP predicts less merit reduction than this (objective-percent units). */
  predictedReductionTol: number;
  initialRadius: number;
  minRadius: number;
  maxRadius: number;
}

export const DEFAULT_SLP_OPTIONS: SlpOptions = {
  maxIterations: 60,
  penalty: 1000,
  marginScales: 0.05,
  predictedReductionTol: 1e-7,
  initialRadius: 1,
  minRadius: 1e-4,
  maxRadius: 20,
};

export interface SlpIterate {
  x: Float64Array;
  evaluation: LineEvaluation;
  merit: number;
  maxViolationScaled: number;
}

export interface SlpResult {
  /** Last accepted iterate. */
  final: SlpIterate;
  /** Feasible accepted iterates in order (for the fallback to the best safe point). */
  feasibleIterates: SlpIterate[];
  iterations: number;
  lpSolves: number;
  /** 'converged' (no further predicted improvement), 'trust-region-collapsed', 'iteration-limit', or 'model-limit'
   * (the iterate sits where the model cannot be linearised in either direction). */
  termination: 'converged' | 'trust-region-collapsed' | 'iteration-limit' | 'model-limit';
  lastLpStatus: string;
}

const outputRow = (key: OutputKey): number => OUTPUT_KEYS.indexOf(key);
const N_IN = INPUT_KEYS.length;

/** Runs the trust-region SLP from x0 (which must evaluate). */
export async function runSlp(
  model: LineModel,
  x0: Float64Array,
  options: SlpOptions = DEFAULT_SLP_OPTIONS,
): Promise<SlpResult> {
  const objective0 = evaluateLine(model, x0).objective;
  const meritOf = (e: LineEvaluation): { merit: number; maxViolationScaled: number } => {
    let penaltySum = 0;
    let maxV = 0;
    for (const c of constraintValues(model, e)) {
      const v = c.violation / c.spec.scale;
      penaltySum += v;
      maxV = Math.max(maxV, v);
    }
    return { merit: (100 * e.objective) / objective0 + options.penalty * penaltySum, maxViolationScaled: maxV };
  };
  const iterate = (x: Float64Array): SlpIterate => {
    const evaluation = evaluateLine(model, x);
    return { x, evaluation, ...meritOf(evaluation) };
  };

  let current = iterate(Float64Array.from(x0));
  const feasibleIterates: SlpIterate[] = current.maxViolationScaled === 0 ? [current] : [];
  let radius = options.initialRadius;
  let lins: CellLinearization[] | undefined;
  let lpSolves = 0;
  let lastLpStatus = 'not run';
  let termination: SlpResult['termination'] = 'iteration-limit';
  let iterations = 0;

  for (; iterations < options.maxIterations; iterations++) {
    try {
      lins ??= linearizeAll(model, current.x);
    } catch (err) {
      if (!(err instanceof PhysicsError)) throw err;
      termination = 'model-limit';
      break;
    }
    const sub = buildSubproblem(model, current, lins, radius, objective0, options);
    const sol = await solveLp(sub.lp);
    lpSolves++;
    lastLpStatus = sol.status;
    if (sol.status !== 'Optimal') {
      radius /= 4;
      if (radius < options.minRadius) {
        termination = 'trust-region-collapsed';
        break;
      }
      continue;
    }
    const d = sol.x.subarray(0, sub.nVars);
    const predicted = current.merit - sub.linearMerit(d);
    if (!(predicted > options.predictedReductionTol)) {
      termination = 'converged';
      break;
    }
    const xNew = Float64Array.from(current.x);
    sub.varIndex.forEach((i, k) => {
      const b = model.bounds[i]!;
      xNew[i] = Math.min(b.hi, Math.max(b.lo, current.x[i]! + d[k]!));
    });
    let candidate: SlpIterate | undefined;
    try {
      candidate = iterate(xNew);
    } catch (err) {
      if (!(err instanceof PhysicsError)) throw err;
    }
    const rho = candidate ? (current.merit - candidate.merit) / predicted : -Infinity;
    if (candidate && rho >= 0.1) {
      const stepScaled = Math.max(...sub.varIndex.map((i, k) => Math.abs(d[k]!) / model.typicalStep[i]!));
      current = candidate;
      lins = undefined;
      if (candidate.maxViolationScaled === 0) feasibleIterates.push(candidate);
      if (rho > 0.75 && stepScaled >= 0.99 * radius) radius = Math.min(options.maxRadius, 2 * radius);
    } else {
      radius /= 4;
    }
    if (radius < options.minRadius) {
      termination = 'trust-region-collapsed';
      iterations++;
      break;
    }
  }
  return { final: current, feasibleIterates, iterations, lpSolves, termination, lastLpStatus };
}

/** Linearises every cell at x (cells in manual only in the line current). */
export function linearizeAll(model: LineModel, x: Float64Array): CellLinearization[] {
  const lineCurrentKA = x[currentIndex(model)]!;
  return model.cells.map((cell, j) => linearizeCell(cell, setPointsOf(x, j), lineCurrentKA, cell.manual));
}

interface Subproblem {
  lp: Lp;
  nVars: number;
  /** Model variable index of each LP step column. */
  varIndex: number[];
  /** Linear model of the merit at a step d (over the step columns). */
  linearMerit(d: Float64Array): number;
}

/** Gradient of one cell's output (j ≥ 0) or of its sum over the line (j = −1) w.r.t. the decision vector, sparse. */
function gradientOf(model: LineModel, lins: CellLinearization[], j: number, key: OutputKey): Map<number, number> {
  const g = new Map<number, number>();
  const iI = currentIndex(model);
  const row = outputRow(key);
  const addCell = (c: number) => {
    const jac = lins[c]!.jacobian;
    for (let k = 0; k < VARS_PER_CELL; k++)
      g.set(c * VARS_PER_CELL + k, (g.get(c * VARS_PER_CELL + k) ?? 0) + jac[row * N_IN + k]!);
    g.set(iI, (g.get(iI) ?? 0) + jac[row * N_IN + VARS_PER_CELL]!);
  };
  if (j >= 0) addCell(j);
  else lins.forEach((_, c) => addCell(c));
  return g;
}

/** The per-cell output behind a constraint's quantity. */
function outputFor(spec: ConstraintSpec): OutputKey {
  if (spec.quantity === 'lineVoltageV') return 'cellVoltageV';
  if (spec.quantity === 'lineProductionKgPerDay') return 'productionKgPerDay';
  return spec.quantity as OutputKey;
}

function buildSubproblem(
  model: LineModel,
  at: SlpIterate,
  lins: CellLinearization[],
  radius: number,
  objective0: number,
  options: SlpOptions,
): Subproblem {
  const nAll = at.x.length;
  // Step columns only for variables that can move.
  const varIndex: number[] = [];
  const column = new Int32Array(nAll).fill(-1);
  for (let i = 0; i < nAll; i++) {
    const b = model.bounds[i]!;
    if (b.hi - b.lo > 1e-12) {
      column[i] = varIndex.length;
      varIndex.push(i);
    }
  }
  const nVars = varIndex.length;
  const stepLo = new Float64Array(nVars);
  const stepHi = new Float64Array(nVars);
  varIndex.forEach((i, k) => {
    const b = model.bounds[i]!;
    const tr = radius * model.typicalStep[i]!;
    stepLo[k] = Math.min(0, Math.max(b.lo - at.x[i]!, -tr));
    stepHi[k] = Math.max(0, Math.min(b.hi - at.x[i]!, tr));
  });

  // Objective gradient, scaled to percent of the starting objective.
  const e = at.evaluation;
  const objGrad = new Float64Array(nVars);
  const o = model.problem.objective;
  const addObjective = (key: OutputKey, weight: number) => {
    for (const [i, v] of gradientOf(model, lins, -1, key)) {
      const k = column[i]!;
      if (k >= 0) objGrad[k] = objGrad[k]! + (100 / objective0) * weight * v;
    }
  };
  if (o.kind === 'sec') {
    addObjective('energyKWhPerDay', 1 / e.productionKgPerDay);
    addObjective('productionKgPerDay', -e.secKWhPerKg / e.productionKgPerDay);
  } else {
    addObjective(
      'energyKWhPerDay',
      (o.energyPricePerMWh + o.gridFactorTonneCO2ePerMWh * o.carbonPricePerTonneCO2e) / 1000,
    );
    addObjective('processCO2eKgPerDay', o.carbonPricePerTonneCO2e / 1000);
  }

  // Linearised constraints that can become active inside the trust region, each with an elastic slack.
  const rows: LpRow[] = [];
  const rowTerms: { grad: [number, number][]; value: number; spec: ConstraintSpec }[] = [];
  for (const c of constraintValues(model, e)) {
    const g = gradientOf(model, lins, c.spec.cellIndex, outputFor(c.spec));
    const sign = c.spec.sense === 'max' ? 1 : -1;
    const slackToLimit = sign * (c.spec.limit - c.value); // ≥ 0 when satisfied
    let reach = 0;
    const grad: [number, number][] = [];
    for (const [i, v] of g) {
      const k = column[i]!;
      if (k < 0 || v === 0) continue;
      grad.push([k, (sign * v) / c.spec.scale]);
      reach += Math.abs(v) * Math.max(-stepLo[k]!, stepHi[k]!);
    }
    if (slackToLimit > reach + options.marginScales * c.spec.scale) continue;
    rowTerms.push({ grad, value: c.value, spec: c.spec });
  }
  const nSlack = rowTerms.length;
  const cost = new Float64Array(nVars + nSlack);
  cost.set(objGrad);
  const lower = new Float64Array(nVars + nSlack);
  const upper = new Float64Array(nVars + nSlack).fill(Infinity);
  lower.set(stepLo);
  upper.set(stepHi);
  rowTerms.forEach((r, s) => {
    cost[nVars + s] = options.penalty;
    const sign = r.spec.sense === 'max' ? 1 : -1;
    // sign·(g + ∇g·d − limit)/scale − slack ≤ −margin
    rows.push({
      columns: [...r.grad.map(([k]) => k), nVars + s],
      coefficients: [...r.grad.map(([, a]) => a), -1],
      upper: -options.marginScales - (sign * (r.value - r.spec.limit)) / r.spec.scale,
    });
  });

  const base =
    at.merit -
    options.penalty *
      sumScaledViolation(
        model,
        e,
        rowTerms.map((r) => r.spec),
      );
  return {
    lp: { cost, lower, upper, rows },
    nVars,
    varIndex,
    linearMerit(d) {
      let m = base;
      for (let k = 0; k < nVars; k++) m += objGrad[k]! * d[k]!;
      for (const r of rowTerms) {
        const sign = r.spec.sense === 'max' ? 1 : -1;
        let lin = (sign * (r.value - r.spec.limit)) / r.spec.scale;
        for (const [k, a] of r.grad) lin += a * d[k]!;
        m += options.penalty * Math.max(0, lin);
      }
      return m;
    },
  };
}

/** Scaled violation of the given constraints in an evaluation (so the linear merit counts each row once). */
function sumScaledViolation(model: LineModel, e: LineEvaluation, specs: ConstraintSpec[]): number {
  const ids = new Set(specs.map((s) => s.id));
  let sum = 0;
  for (const c of constraintValues(model, e)) if (ids.has(c.spec.id)) sum += c.violation / c.spec.scale;
  return sum;
}
