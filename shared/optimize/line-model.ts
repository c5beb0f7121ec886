/**
 * The line as the optimiser sees it: calibrated cells, the decision vector x = [acd, alumina, AlF3 per cell …,
 * line current], its bounds (plant windows ∩ step limits ∩ user constraints ∩ manual cells), the named
 * constraints on predicted quantities, and the objective. Evaluation here is the full non-linear model; the
 * trust-region loop and the final check both use it.
 */
import { PhysicsError } from '../physics/errors.js';
import { calibrateCell, predictCell, type CellModel, type CellPrediction, type CellSetPoints } from './steady-state.js';
import type { LineProblem } from './schema.js';

export const VARS_PER_CELL = 3;
export const CELL_VARIABLES = ['acdCm', 'aluminaTargetPct', 'alf3TargetPct'] as const;

/** A bound of one decision variable and what set it (for reports when it binds or conflicts). */
export interface VariableBound {
  name: string;
  lo: number;
  hi: number;
  loSource: string;
  hiSource: string;
}

/** A named limit on a predicted quantity: per cell (cellIndex ≥ 0) or for the whole line (cellIndex −1). */
export interface ConstraintSpec {
  id: string;
  cellIndex: number;
  quantity: keyof CellPrediction | 'lineVoltageV' | 'lineProductionKgPerDay';
  sense: 'max' | 'min';
  limit: number;
  /** Unit of violation in the merit function (1 K, 1 cm, 0.01 V …): makes constraints comparable. */
  scale: number;
  unit: string;
}

export interface LineModel {
  problem: LineProblem;
  cells: CellModel[];
  x0: Float64Array;
  bounds: VariableBound[];
  /** Trust-region unit per variable (a typical useful move). */
  typicalStep: Float64Array;
  constraints: ConstraintSpec[];
  baselineProductionKgPerDay: number;
}

/** Full prediction of the line at x. */
export interface LineEvaluation {
  predictions: CellPrediction[];
  lineCurrentKA: number;
  energyKWhPerDay: number;
  productionKgPerDay: number;
  processCO2eKgPerDay: number;
  lineVoltageV: number;
  secKWhPerKg: number;
  costPerDay: number;
  /** The objective selected by the problem, in its own unit (kWh/kg or currency/day). */
  objective: number;
}

export interface ConstraintValue {
  spec: ConstraintSpec;
  value: number;
  /** How far beyond the limit, in the quantity's unit (0 when satisfied). */
  violation: number;
}

/** Typical move per variable, used as the trust-region unit: cm, wt %, wt %, kA. */
const TYPICAL_STEP = { acdCm: 0.1, aluminaTargetPct: 0.2, alf3TargetPct: 0.4, lineCurrentKA: 1 } as const;

export function setPointsOf(x: Float64Array, j: number): CellSetPoints {
  const k = j * VARS_PER_CELL;
  return { acdCm: x[k]!, aluminaTargetPct: x[k + 1]!, alf3TargetPct: x[k + 2]! };
}

export function currentIndex(model: LineModel): number {
  return model.cells.length * VARS_PER_CELL;
}

/** Calibrates every cell and assembles bounds and constraints. Throws PhysicsError (with the cell) if a state cannot be calibrated. */
export function buildLineModel(problem: LineProblem): LineModel {
  const { constraints: c, rectifier } = problem;
  const cells = problem.cells.map((cell) => calibrateCell(cell, problem.lineCurrentKA));
  const n = cells.length;
  const x0 = new Float64Array(n * VARS_PER_CELL + 1);
  const typicalStep = new Float64Array(x0.length);
  const bounds: VariableBound[] = [];
  const windows = {
    acdCm: [c.acdCm.min, c.acdCm.max, c.maxStep.acdCm],
    aluminaTargetPct: [c.aluminaPct.min, c.aluminaPct.max, c.maxStep.aluminaPct],
    alf3TargetPct: [c.alf3Pct.min, c.alf3Pct.max, c.maxStep.alf3Pct],
  } as const;
  cells.forEach((cell, j) => {
    CELL_VARIABLES.forEach((v, k) => {
      const present = cell.present[v];
      const [wMin, wMax, step] = windows[v];
      const b: VariableBound = {
        name: `${cell.cellId}.${v}`,
        lo: wMin,
        hi: wMax,
        loSource: `constraints window ${v}.min`,
        hiSource: `constraints window ${v}.max`,
      };
      tighten(b, present - step, present + step, `maxStep.${stepKey(v)}`);
      if (cell.manual) tighten(b, present, present, 'cell in manual');
      for (const u of problem.userConstraints) {
        if (u.scope !== 'cell' || u.cellId !== cell.cellId || u.variable !== v) continue;
        const source = `user constraint${u.reason ? ` (${u.reason})` : ''}`;
        if (u.freeze) tighten(b, present, present, source);
        tighten(b, u.min ?? -Infinity, u.max ?? Infinity, source);
      }
      x0[j * VARS_PER_CELL + k] = present;
      typicalStep[j * VARS_PER_CELL + k] = TYPICAL_STEP[v];
      bounds.push(b);
    });
  });
  const iI = n * VARS_PER_CELL;
  x0[iI] = problem.lineCurrentKA;
  typicalStep[iI] = TYPICAL_STEP.lineCurrentKA;
  const bI: VariableBound = {
    name: `${problem.lineId}.lineCurrentKA`,
    lo: rectifier.minCurrentKA,
    hi: rectifier.maxCurrentKA,
    loSource: 'rectifier.minCurrentKA',
    hiSource: 'rectifier.maxCurrentKA',
  };
  tighten(
    bI,
    problem.lineCurrentKA - c.maxStep.lineCurrentKA,
    problem.lineCurrentKA + c.maxStep.lineCurrentKA,
    'maxStep.lineCurrentKA',
  );
  for (const u of problem.userConstraints) {
    if (u.scope !== 'line') continue;
    const source = `user constraint${u.reason ? ` (${u.reason})` : ''}`;
    if (u.freeze) tighten(bI, problem.lineCurrentKA, problem.lineCurrentKA, source);
    tighten(bI, u.min ?? -Infinity, u.max ?? Infinity, source);
  }
  bounds.push(bI);

  const specs: ConstraintSpec[] = [];
  cells.forEach((cell, j) => {
    const id = (q: string) => `${cell.cellId}.${q}`;
    specs.push(
      {
        id: id('superheatK.min'),
        cellIndex: j,
        quantity: 'superheatK',
        sense: 'min',
        limit: c.superheatK.min,
        scale: 1,
        unit: 'K',
      },
      {
        id: id('superheatK.max'),
        cellIndex: j,
        quantity: 'superheatK',
        sense: 'max',
        limit: c.superheatK.max,
        scale: 1,
        unit: 'K',
      },
      {
        id: id('bathTempC.min'),
        cellIndex: j,
        quantity: 'bathTempC',
        sense: 'min',
        limit: c.bathTempC.min,
        scale: 1,
        unit: '°C',
      },
      {
        id: id('bathTempC.max'),
        cellIndex: j,
        quantity: 'bathTempC',
        sense: 'max',
        limit: c.bathTempC.max,
        scale: 1,
        unit: '°C',
      },
      {
        id: id('ledgeThicknessCm.min'),
        cellIndex: j,
        quantity: 'ledgeThicknessCm',
        sense: 'min',
        limit: c.ledgeThicknessMinCm,
        scale: 1,
        unit: 'cm',
      },
      {
        id: id('anodeEffectsPerCellDay.max'),
        cellIndex: j,
        quantity: 'anodeEffectsPerCellDay',
        sense: 'max',
        limit: c.anodeEffectsMaxPerCellDay,
        scale: 0.01,
        unit: '1/cell-day',
      },
      {
        id: id('cellVoltageV.max'),
        cellIndex: j,
        quantity: 'cellVoltageV',
        sense: 'max',
        limit: c.cellVoltageMaxV,
        scale: 0.01,
        unit: 'V',
      },
    );
  });
  const baseline =
    problem.baselineProductionKgPerDay ??
    cells.reduce((sum, cell) => sum + predictCell(cell, cell.present, problem.lineCurrentKA).productionKgPerDay, 0);
  const tol = c.productionTolerancePct / 100;
  const lineId = (q: string) => `${problem.lineId}.${q}`;
  specs.push(
    {
      id: lineId('productionKgPerDay.min'),
      cellIndex: -1,
      quantity: 'lineProductionKgPerDay',
      sense: 'min',
      limit: baseline * (1 - tol),
      scale: baseline * 1e-3,
      unit: 'kg/day',
    },
    {
      id: lineId('productionKgPerDay.max'),
      cellIndex: -1,
      quantity: 'lineProductionKgPerDay',
      sense: 'max',
      limit: baseline * (1 + tol),
      scale: baseline * 1e-3,
      unit: 'kg/day',
    },
    {
      id: lineId('lineVoltageV.max'),
      cellIndex: -1,
      quantity: 'lineVoltageV',
      sense: 'max',
      limit: rectifier.maxVoltageV,
      scale: 0.1,
      unit: 'V',
    },
  );
  return { problem, cells, x0, bounds, typicalStep, constraints: specs, baselineProductionKgPerDay: baseline };
}

function stepKey(v: (typeof CELL_VARIABLES)[number]): string {
  return v === 'acdCm' ? 'acdCm' : v === 'aluminaTargetPct' ? 'aluminaPct' : 'alf3Pct';
}

function tighten(b: VariableBound, lo: number, hi: number, source: string): void {
  if (lo > b.lo) {
    b.lo = lo;
    b.loSource = source;
  }
  if (hi < b.hi) {
    b.hi = hi;
    b.hiSource = source;
  }
}

/** Bounds that leave no room (lo > hi): the problem is infeasible before any physics. */
export function emptyBounds(model: LineModel): VariableBound[] {
  return model.bounds.filter((b) => b.lo > b.hi + 1e-12);
}

/** Evaluates the full steady model at x. Throws PhysicsError naming the cell when a state leaves the models' validity. */
export function evaluateLine(model: LineModel, x: Float64Array): LineEvaluation {
  const iI = currentIndex(model);
  const lineCurrentKA = x[iI]!;
  const predictions = model.cells.map((cell, j) => {
    try {
      return predictCell(cell, setPointsOf(x, j), lineCurrentKA);
    } catch (err) {
      if (err instanceof PhysicsError)
        throw new PhysicsError(
          err.code,
          `${cell.cellId}.${err.quantity}`,
          err.message.includes(cell.cellId) ? err.message : `${cell.cellId}: ${err.message}`,
          err.value,
          err.validRange,
        );
      throw err;
    }
  });
  let energy = 0;
  let production = 0;
  let co2 = 0;
  let voltage = 0;
  for (const p of predictions) {
    energy += p.energyKWhPerDay;
    production += p.productionKgPerDay;
    co2 += p.processCO2eKgPerDay;
    voltage += p.cellVoltageV;
  }
  const sec = energy / production;
  const cost = costPerDay(model, energy, co2);
  return {
    predictions,
    lineCurrentKA,
    energyKWhPerDay: energy,
    productionKgPerDay: production,
    processCO2eKgPerDay: co2,
    lineVoltageV: voltage,
    secKWhPerKg: sec,
    costPerDay: cost,
    objective: model.problem.objective.kind === 'sec' ? sec : cost,
  };
}

/** Daily cost: energy price × kWh + carbon price × (grid CO2e of the kWh + anode CO2 + PFC CO2e); 0 for the SEC objective. */
export function costPerDay(model: LineModel, energyKWhPerDay: number, processCO2eKgPerDay: number): number {
  const o = model.problem.objective;
  if (o.kind !== 'cost') return 0;
  const co2eT = (energyKWhPerDay / 1000) * o.gridFactorTonneCO2ePerMWh + processCO2eKgPerDay / 1000;
  return (energyKWhPerDay / 1000) * o.energyPricePerMWh + co2eT * o.carbonPricePerTonneCO2e;
}

/** Value of one constraint's quantity in an evaluation. */
export function quantityOf(spec: ConstraintSpec, e: LineEvaluation): number {
  if (spec.quantity === 'lineVoltageV') return e.lineVoltageV;
  if (spec.quantity === 'lineProductionKgPerDay') return e.productionKgPerDay;
  const v = e.predictions[spec.cellIndex]![spec.quantity];
  return typeof v === 'number' ? v : Number(v);
}

/** Every constraint with its value and violation (0 when satisfied). */
export function constraintValues(model: LineModel, e: LineEvaluation): ConstraintValue[] {
  return model.constraints.map((spec) => {
    const value = quantityOf(spec, e);
    const violation = Math.max(0, spec.sense === 'max' ? value - spec.limit : spec.limit - value);
    return { spec, value, violation };
  });
}
