/**
 * optimizeLine: the set-point optimiser's entry point. Parses the problem, calibrates the line, runs the
 * trust-region SLP, rounds the answer to set-point resolution, and returns only what passes the full-model check —
 * or the present set points with status `infeasible` and the violations named.
 */
import { PhysicsError } from '../physics/errors.js';
import {
  checkProposal,
  proposalFromVector,
  type CheckedProposal,
  type UncheckedProposal,
  type Violation,
} from './check.js';
import { inputError } from './errors.js';
import {
  buildLineModel,
  CELL_VARIABLES,
  constraintValues,
  currentIndex,
  emptyBounds,
  evaluateLine,
  VARS_PER_CELL,
  type LineEvaluation,
  type LineModel,
} from './line-model.js';
import {
  kpi,
  type BindingConstraint,
  type CellEffect,
  type FeasibleRecommendation,
  type InfeasibleRecommendation,
  type Recommendation,
  type SetPointChange,
  type SolverReport,
} from './recommendation.js';
import { LineProblem, type LineProblemInput } from './schema.js';
import { DEFAULT_SLP_OPTIONS, runSlp, type SlpOptions } from './slp.js';

export interface OptimizeOptions {
  slp?: Partial<SlpOptions>;
}

/** Set-point resolution the plant's controllers accept: cm, wt %, wt %, kA. */
const RESOLUTION = { acdCm: 1e-3, aluminaTargetPct: 1e-3, alf3TargetPct: 1e-3, lineCurrentKA: 1e-2 } as const;
const UNITS = { acdCm: 'cm', aluminaTargetPct: 'wt %', alf3TargetPct: 'wt %', lineCurrentKA: 'kA' } as const;
const METHOD = 'SLP, box trust region, elastic ℓ1 merit; LP subproblems by HiGHS (WebAssembly)';

/**
 * Recommends set points for one line. Never throws for a physically impossible or over-constrained problem: it
 * answers `infeasible` with the present set points. Throws OptimizeError ERR-OPT-INPUT for a malformed problem.
 */
export async function optimizeLine(
  input: LineProblemInput | LineProblem,
  options: OptimizeOptions = {},
): Promise<Recommendation> {
  const parsed = LineProblem.safeParse(input);
  if (!parsed.success) throw inputError('problem', parsed.error);
  const problem = parsed.data;
  const slpOptions = { ...DEFAULT_SLP_OPTIONS, ...options.slp };
  const noSolver: SolverReport = {
    method: METHOD,
    termination: 'not run',
    iterations: 0,
    lpSolves: 0,
    lastLpStatus: 'not run',
  };
  const present = presentProposal(problem);

  let model: LineModel;
  try {
    model = buildLineModel(problem);
  } catch (err) {
    if (!(err instanceof PhysicsError)) throw err;
    return infeasible(
      problem,
      present,
      undefined,
      [{ id: err.quantity, kind: 'model', value: err.value, message: err.message }],
      [],
      noSolver,
    );
  }
  const empty = emptyBounds(model);
  if (empty.length > 0) {
    const named = empty.map((b): Violation => ({
      id: b.name,
      kind: 'bound',
      message: `${b.name}: ${b.loSource} (${b.lo}) is above ${b.hiSource} (${b.hi}); no value satisfies both`,
    }));
    return infeasible(problem, present, model, named, named, noSolver);
  }

  const presentCheck = checkProposal(model, present);
  let presentEval: LineEvaluation | undefined = presentCheck.ok
    ? presentCheck.proposal.evaluation
    : presentCheck.evaluation;
  const startViolations = presentCheck.ok ? [] : presentCheck.violations;
  const start = Float64Array.from(model.x0, (v, i) => Math.min(model.bounds[i]!.hi, Math.max(model.bounds[i]!.lo, v)));
  try {
    presentEval ??= evaluateLine(model, model.x0);
    evaluateLine(model, start);
  } catch (err) {
    if (!(err instanceof PhysicsError)) throw err;
    return infeasible(
      problem,
      present,
      model,
      [...startViolations, { id: err.quantity, kind: 'model', message: err.message }],
      [],
      noSolver,
    );
  }

  const slp = await runSlp(model, start, slpOptions);
  const solver: SolverReport = {
    method: METHOD,
    termination: slp.termination,
    iterations: slp.iterations,
    lpSolves: slp.lpSolves,
    lastLpStatus: slp.lastLpStatus,
  };
  const candidates = [rounded(model, slp.final.x), slp.final.x];
  for (const it of [...slp.feasibleIterates].reverse()) candidates.push(rounded(model, it.x), it.x);
  let chosen: CheckedProposal | undefined;
  let unresolved: Violation[] = [];
  for (const x of candidates) {
    const check = checkProposal(model, proposalFromVector(model, x));
    if (check.ok) {
      if (!presentCheck.ok || check.proposal.evaluation.objective <= presentCheck.proposal.evaluation.objective) {
        chosen = check.proposal;
        break;
      }
    } else if (unresolved.length === 0) {
      unresolved = check.violations;
    }
  }
  if (!chosen && presentCheck.ok) chosen = presentCheck.proposal;
  if (!chosen) return infeasible(problem, present, model, startViolations, unresolved, solver);
  return feasible(model, presentEval, chosen, startViolations, solver, slp.termination);
}

function presentProposal(problem: LineProblem): UncheckedProposal {
  return {
    lineId: problem.lineId,
    lineCurrentKA: problem.lineCurrentKA,
    cells: problem.cells.map((c) => ({
      cellId: c.cellId,
      acdCm: c.state.acdCm,
      aluminaTargetPct: c.state.aluminaPct,
      alf3TargetPct: c.state.alf3Pct,
    })),
  };
}

/** x rounded to set-point resolution and kept inside its bounds. */
function rounded(model: LineModel, x: Float64Array): Float64Array {
  const iI = currentIndex(model);
  return Float64Array.from(x, (v, i) => {
    const key = i === iI ? 'lineCurrentKA' : CELL_VARIABLES[i % VARS_PER_CELL]!;
    const step = RESOLUTION[key];
    const b = model.bounds[i]!;
    return Math.min(b.hi, Math.max(b.lo, Math.round(v / step) * step));
  });
}

function lineKpis(
  problem: LineProblem,
  before: LineEvaluation | undefined,
  after: LineEvaluation | undefined,
  baseline: number,
) {
  const b = before ?? after;
  const a = after ?? before;
  const pick = (f: (e: LineEvaluation) => number, unit: string) =>
    b && a ? kpi(f(b), f(a), unit) : kpi(Number.NaN, Number.NaN, unit);
  const kind = problem.objective.kind;
  return {
    objective: { kind, ...pick((e) => e.objective, kind === 'sec' ? 'kWh/kg Al' : 'currency/day') },
    secKWhPerKg: pick((e) => e.secKWhPerKg, 'kWh/kg Al'),
    productionKgPerDay: {
      ...pick((e) => e.productionKgPerDay, 'kg Al/day'),
      baseline,
      tolerancePct: problem.constraints.productionTolerancePct,
    },
    energyMWhPerDay: pick((e) => e.energyKWhPerDay / 1000, 'MWh/day'),
    processCO2eTonnePerDay: pick((e) => e.processCO2eKgPerDay / 1000, 't CO2e/day (anode carbon + PFC)'),
    lineVoltageV: pick((e) => e.lineVoltageV, 'V'),
  };
}

function infeasible(
  problem: LineProblem,
  present: UncheckedProposal,
  model: LineModel | undefined,
  violated: Violation[],
  unresolved: Violation[],
  solver: SolverReport,
): InfeasibleRecommendation {
  let before: LineEvaluation | undefined;
  if (model) {
    try {
      before = evaluateLine(model, model.x0);
    } catch {
      before = undefined;
    }
  }
  return {
    lineId: problem.lineId,
    status: 'infeasible',
    ...lineKpis(problem, before, before, model?.baselineProductionKgPerDay ?? Number.NaN),
    solver,
    setPoints: present,
    changes: [],
    violatedConstraints: violated.length > 0 ? violated : unresolved,
    unresolved,
  };
}

/** Tolerance for reporting a constraint as binding, in constraint scales (the LP aims marginScales inside). */
const BINDING_SCALES = 0.25;

function feasible(
  model: LineModel,
  before: LineEvaluation,
  chosen: CheckedProposal,
  startViolations: Violation[],
  solver: SolverReport,
  termination: string,
): FeasibleRecommendation {
  const { evaluation: after, ...setPoints } = chosen;
  const changes: SetPointChange[] = [];
  const x = Float64Array.from(model.x0);
  chosen.cells.forEach((c, j) => {
    for (const v of CELL_VARIABLES) {
      const from = model.cells[j]!.present[v];
      x[j * VARS_PER_CELL + CELL_VARIABLES.indexOf(v)] = c[v];
      if (Math.abs(c[v] - from) > RESOLUTION[v] / 2)
        changes.push({ cellId: c.cellId, variable: v, from, to: c[v], delta: c[v] - from, unit: UNITS[v] });
    }
  });
  const iI = currentIndex(model);
  x[iI] = chosen.lineCurrentKA;
  if (Math.abs(chosen.lineCurrentKA - model.problem.lineCurrentKA) > RESOLUTION.lineCurrentKA / 2) {
    changes.unshift({
      cellId: model.problem.lineId,
      variable: 'lineCurrentKA',
      from: model.problem.lineCurrentKA,
      to: chosen.lineCurrentKA,
      delta: chosen.lineCurrentKA - model.problem.lineCurrentKA,
      unit: 'kA',
    });
  }
  const binding: BindingConstraint[] = [];
  for (const c of constraintValues(model, after)) {
    if (Math.abs(c.value - c.spec.limit) <= BINDING_SCALES * c.spec.scale)
      binding.push({ id: c.spec.id, kind: 'constraint', value: c.value, limit: c.spec.limit, unit: c.spec.unit });
  }
  model.bounds.forEach((b, i) => {
    if (b.hi - b.lo < 1e-12) return;
    const unit = i === iI ? 'kA' : UNITS[CELL_VARIABLES[i % VARS_PER_CELL]!];
    if (Math.abs(x[i]! - b.lo) < 1e-6)
      binding.push({ id: `${b.name}.min`, kind: 'bound', value: x[i]!, limit: b.lo, unit, source: b.loSource });
    else if (Math.abs(x[i]! - b.hi) < 1e-6)
      binding.push({ id: `${b.name}.max`, kind: 'bound', value: x[i]!, limit: b.hi, unit, source: b.hiSource });
  });
  const changedCells = new Set(changes.map((c) => c.cellId));
  const lineMoved = changedCells.has(model.problem.lineId);
  const cellEffects: CellEffect[] = [];
  model.cells.forEach((cell, j) => {
    if (!lineMoved && !changedCells.has(cell.cellId)) return;
    const b = before.predictions[j]!;
    const a = after.predictions[j]!;
    cellEffects.push({
      cellId: cell.cellId,
      cellVoltageV: kpi(b.cellVoltageV, a.cellVoltageV, 'V'),
      bathTempC: kpi(b.bathTempC, a.bathTempC, '°C'),
      superheatK: kpi(b.superheatK, a.superheatK, 'K'),
      ledgeThicknessCm: kpi(b.ledgeThicknessCm, a.ledgeThicknessCm, 'cm'),
      currentEfficiency: kpi(b.currentEfficiency, a.currentEfficiency, '-'),
      secKWhPerKg: kpi(b.secKWhPerKg, a.secKWhPerKg, 'kWh/kg Al'),
      anodeEffectsPerCellDay: kpi(b.anodeEffectsPerCellDay, a.anodeEffectsPerCellDay, '1/cell-day'),
      feedIntervalS: kpi(b.feedIntervalS, a.feedIntervalS, 's'),
      alf3AdditionKgPerDay: kpi(b.alf3AdditionKgPerDay, a.alf3AdditionKgPerDay, 'kg/day'),
    });
  });
  const status: FeasibleRecommendation['status'] =
    changes.length === 0 ? 'unchanged' : termination === 'iteration-limit' ? 'improved' : 'optimal';
  return {
    lineId: model.problem.lineId,
    status,
    ...lineKpis(model.problem, before, after, model.baselineProductionKgPerDay),
    solver,
    setPoints,
    changes,
    cellEffects,
    bindingConstraints: binding,
    startViolations,
  };
}
