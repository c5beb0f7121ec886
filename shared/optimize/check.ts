/**
 * The gate between a proposal and a recommendation: a set-point proposal is re-evaluated with the full steady
 * model against every bound (windows, step limits, equipment ratings, user constraints, manual cells) and every
 * constraint. Only this module can make a CheckedProposal, so a value of that type has passed the gate.
 */
import { PhysicsError } from '../physics/errors.js';
import {
  CELL_VARIABLES,
  constraintValues,
  currentIndex,
  evaluateLine,
  VARS_PER_CELL,
  type LineEvaluation,
  type LineModel,
} from './line-model.js';
import type { CellSetPoints } from './steady-state.js';

/** Set points for a whole line, from any source, not yet checked. */
export interface UncheckedProposal {
  lineId: string;
  lineCurrentKA: number;
  cells: ({ cellId: string } & CellSetPoints)[];
}

declare const checkedBrand: unique symbol;

/** A proposal that passed checkProposal: every bound and constraint holds under the full model. */
export type CheckedProposal = UncheckedProposal & {
  readonly [checkedBrand]: true;
  readonly evaluation: LineEvaluation;
};

/** One violated bound or constraint, named so an engineer can find it. */
export interface Violation {
  /** e.g. `L1-C007.superheatK.min`, `L1.lineVoltageV.max`, `L1-C007.acdCm` (bound). */
  id: string;
  kind: 'bound' | 'constraint' | 'model';
  value?: number;
  limit?: number;
  unit?: string;
  message: string;
}

export type CheckResult =
  { ok: true; proposal: CheckedProposal } | { ok: false; violations: Violation[]; evaluation?: LineEvaluation };

/** Absolute slack allowed on bounds (floating-point noise only), in the variable's unit. */
const BOUND_TOL = 1e-9;

export function proposalFromVector(model: LineModel, x: Float64Array): UncheckedProposal {
  return {
    lineId: model.problem.lineId,
    lineCurrentKA: x[currentIndex(model)]!,
    cells: model.cells.map((cell, j) => ({
      cellId: cell.cellId,
      acdCm: x[j * VARS_PER_CELL]!,
      aluminaTargetPct: x[j * VARS_PER_CELL + 1]!,
      alf3TargetPct: x[j * VARS_PER_CELL + 2]!,
    })),
  };
}

function vectorFromProposal(model: LineModel, p: UncheckedProposal): Float64Array | Violation {
  if (p.lineId !== model.problem.lineId)
    return {
      id: 'lineId',
      kind: 'model',
      message: `proposal is for line ${p.lineId}, the problem is line ${model.problem.lineId}`,
    };
  if (p.cells.length !== model.cells.length)
    return {
      id: 'cells',
      kind: 'model',
      message: `proposal has ${p.cells.length} cells, the line has ${model.cells.length}`,
    };
  const x = new Float64Array(model.x0.length);
  for (let j = 0; j < model.cells.length; j++) {
    const c = p.cells[j]!;
    if (c.cellId !== model.cells[j]!.cellId)
      return {
        id: `cells.${j}.cellId`,
        kind: 'model',
        message: `cell ${j} is ${c.cellId}, expected ${model.cells[j]!.cellId}`,
      };
    CELL_VARIABLES.forEach((v, k) => (x[j * VARS_PER_CELL + k] = c[v]));
  }
  x[currentIndex(model)] = p.lineCurrentKA;
  return x;
}

/** Re-evaluates a proposal with the full model; returns it as a CheckedProposal only if nothing is violated. */
export function checkProposal(model: LineModel, proposal: UncheckedProposal): CheckResult {
  const x = vectorFromProposal(model, proposal);
  if (!(x instanceof Float64Array)) return { ok: false, violations: [x] };
  const violations: Violation[] = [];
  model.bounds.forEach((b, i) => {
    const v = x[i]!;
    if (!Number.isFinite(v))
      violations.push({ id: b.name, kind: 'bound', value: v, message: `${b.name} is not a finite number` });
    else if (v < b.lo - BOUND_TOL)
      violations.push({
        id: b.name,
        kind: 'bound',
        value: v,
        limit: b.lo,
        message: `${b.name} = ${v} is below ${b.lo} (${b.loSource})`,
      });
    else if (v > b.hi + BOUND_TOL)
      violations.push({
        id: b.name,
        kind: 'bound',
        value: v,
        limit: b.hi,
        message: `${b.name} = ${v} is above ${b.hi} (${b.hiSource})`,
      });
  });
  let evaluation: LineEvaluation;
  try {
    evaluation = evaluateLine(model, x);
  } catch (err) {
    if (!(err instanceof PhysicsError)) throw err;
    violations.push({ id: err.quantity, kind: 'model', value: err.value, message: err.message });
    return { ok: false, violations };
  }
  evaluation.predictions.forEach((p, j) => {
    if (p.anodeEffect)
      violations.push({
        id: `${model.cells[j]!.cellId}.anodeEffect`,
        kind: 'constraint',
        message: `${model.cells[j]!.cellId}: the voltage model puts the cell in anode effect at these set points`,
      });
  });
  for (const c of constraintValues(model, evaluation)) {
    if (c.violation > 0) {
      const { spec } = c;
      violations.push({
        id: spec.id,
        kind: 'constraint',
        value: c.value,
        limit: spec.limit,
        unit: spec.unit,
        message: `${spec.id}: predicted ${c.value.toFixed(3)} ${spec.unit} is ${spec.sense === 'max' ? 'above' : 'below'} the limit ${spec.limit.toFixed(3)} ${spec.unit}`,
      });
    }
  }
  if (violations.length > 0) return { ok: false, violations, evaluation };
  return { ok: true, proposal: { ...proposal, evaluation } as CheckedProposal };
}
