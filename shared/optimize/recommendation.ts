/**
 * The optimiser's answer for one line. A feasible recommendation can only carry set points that passed
 * checkProposal; the infeasible one carries the present set points and names what is violated.
 */
import type { CheckedProposal, UncheckedProposal, Violation } from './check.js';

/** Set points that passed the full-model check (the brand survives dropping the evaluation). */
export type CheckedSetPoints = Omit<CheckedProposal, 'evaluation'>;

export interface Kpi {
  before: number;
  after: number;
  changePct: number;
  unit: string;
}

export interface SetPointChange {
  cellId: string;
  variable: 'acdCm' | 'aluminaTargetPct' | 'alf3TargetPct' | 'lineCurrentKA';
  from: number;
  to: number;
  delta: number;
  unit: string;
}

/** Predicted steady effect on one cell (before → after). */
export interface CellEffect {
  cellId: string;
  cellVoltageV: Kpi;
  bathTempC: Kpi;
  superheatK: Kpi;
  ledgeThicknessCm: Kpi;
  currentEfficiency: Kpi;
  secKWhPerKg: Kpi;
  anodeEffectsPerCellDay: Kpi;
  /** Operating actions that realise the targets. */
  feedIntervalS: Kpi;
  alf3AdditionKgPerDay: Kpi;
}

export interface BindingConstraint {
  id: string;
  kind: 'bound' | 'constraint';
  value: number;
  limit: number;
  unit: string;
  source?: string;
}

export interface SolverReport {
  method: string;
  termination: string;
  iterations: number;
  lpSolves: number;
  lastLpStatus: string;
}

interface RecommendationBase {
  lineId: string;
  objective: { kind: 'sec' | 'cost' } & Kpi;
  secKWhPerKg: Kpi;
  productionKgPerDay: Kpi & { baseline: number; tolerancePct: number };
  energyMWhPerDay: Kpi;
  processCO2eTonnePerDay: Kpi;
  lineVoltageV: Kpi;
  solver: SolverReport;
}

export interface FeasibleRecommendation extends RecommendationBase {
  status: 'optimal' | 'improved' | 'unchanged';
  setPoints: CheckedSetPoints;
  changes: SetPointChange[];
  cellEffects: CellEffect[];
  bindingConstraints: BindingConstraint[];
  /** What the present set points violated (the recommendation restores them), if anything. */
  startViolations: Violation[];
}

export interface InfeasibleRecommendation extends RecommendationBase {
  status: 'infeasible';
  /** The present set points, unchanged: no safe proposal was found. */
  setPoints: UncheckedProposal;
  changes: [];
  violatedConstraints: Violation[];
  /** What the best attempt still violated. */
  unresolved: Violation[];
}

export type Recommendation = FeasibleRecommendation | InfeasibleRecommendation;

export function kpi(before: number, after: number, unit: string): Kpi {
  return { before, after, changePct: before === 0 ? 0 : ((after - before) / Math.abs(before)) * 100, unit };
}
