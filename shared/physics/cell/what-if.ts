/**
 * What-if runs for the optimiser and the process engineers: apply set points to a cell at t = 0 and predict
 *  - the trajectory: the 2D coupled cell model (coupled.ts), sampled every `sampleEveryH` hours;
 *  - the steady values: predictSteadyState for the same set points, state and horizon (chemistry after the horizon,
 *    thermal state settled), which the long-run 2D model converges to (tested in whatIf.test.ts).
 */
import { PhysicsError } from '../errors.js';
import { checkSetPoints, CoupledCell, type CellSnapshot } from './coupled.js';
import { BASE_DESIGN, BASE_STATE, type CellDesign, type CellState, type SetPoints } from './design.js';
import { anodeEffectRiskFromMargin, predictSteadyState, type SteadyPrediction } from './predictor.js';

export interface WhatIfInput {
  setPoints: SetPoints;
  /** The cell before the change, steady under state.setPoints (default BASE_STATE: the documented base cell). */
  state?: CellState;
  /** Horizon, h (0 < durationH ≤ 720). */
  durationH: number;
  design?: CellDesign;
  /** Trajectory sampling interval, h (default 0.25). */
  sampleEveryH?: number;
  /** Thermal/coupling step of the 2D model, s (default 300; alumina is sub-stepped at ≤ 30 s and every shot). */
  thermalStepS?: number;
}

export interface WhatIfResult {
  setPoints: SetPoints;
  durationH: number;
  /** Predicted trajectory (2D coupled model). */
  trajectory: CellSnapshot[];
  /** Steady values (predictSteadyState): cellVoltageV, secKWhPerKg, currentEfficiency, superheatC, ledgeThicknessM, aluminaMinPct/MaxPct, anodeEffectRisk, productionKgPerDay, … */
  steady: SteadyPrediction;
  /** Last trajectory point. */
  final: CellSnapshot;
  /** State to chain the next what-if from (bath at the end of the horizon under the new set points). */
  finalState: CellState;
  /** The cell froze (ledge took nearly all the cryolite) at some point of the trajectory. */
  freezing: boolean;
  /** Minutes with the anode-effect flag raised during the trajectory. */
  anodeEffectMinutes: number;
  /** Leanest and richest local alumina seen along the trajectory, wt %. */
  trajectoryAluminaMinPct: number;
  trajectoryAluminaMaxPct: number;
  /** max(steady risk, risk seen along the trajectory; 1 if an anode effect occurred). */
  anodeEffectRisk: number;
  runtimeMs: number;
}

export function whatIf(input: WhatIfInput): WhatIfResult {
  const t0 = performance.now();
  const design = input.design ?? BASE_DESIGN;
  const state = input.state ?? BASE_STATE;
  checkSetPoints(input.setPoints);
  const durationH = input.durationH;
  if (typeof durationH !== 'number' || !(durationH > 0) || durationH > 720) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'durationH',
      `durationH must be in (0, 720] h, got ${String(durationH)}`,
      typeof durationH === 'number' ? durationH : undefined,
      [0, 720],
    );
  }
  const sampleEveryH = input.sampleEveryH ?? 0.25;
  if (!(sampleEveryH > 0)) throw new PhysicsError('ERR-PHYS-RANGE', 'sampleEveryH', 'sampleEveryH must be > 0');
  const dt = input.thermalStepS ?? 300;
  const cell = new CoupledCell(state, input.setPoints, { design, thermalStepS: dt });
  const trajectory: CellSnapshot[] = [cell.snapshot()];
  const totalS = durationH * 3600;
  const steps = Math.max(1, Math.round(totalS / dt));
  const stepS = totalS / steps;
  const sampleS = sampleEveryH * 3600;
  let nextSample = sampleS;
  let minAl = Infinity;
  let maxAl = -Infinity;
  let minAnode = Infinity;
  for (let s = 0; s < steps; s++) {
    cell.step(stepS);
    const st = cell.alumina.stats();
    const f = cell.alumina.spec.bathMassKg / cell.liquidBathMassKg();
    minAl = Math.min(minAl, st.minPct * f);
    maxAl = Math.max(maxAl, st.maxPct * f);
    minAnode = Math.min(minAnode, cell.anodeAluminaPct());
    if (cell.timeS >= nextSample - 1e-6 || s === steps - 1) {
      trajectory.push(cell.snapshot());
      nextSample += sampleS;
    }
  }
  const steady = predictSteadyState({ setPoints: input.setPoints, state, durationH, design });
  const final = trajectory[trajectory.length - 1]!;
  const observedRisk = cell.anodeEffectS > 0 ? 1 : anodeEffectRiskFromMargin(minAnode - design.aluminaAtAnodeEffectPct);
  const comp = cell.composition();
  return {
    setPoints: { ...input.setPoints },
    durationH,
    trajectory,
    steady,
    final,
    finalState: {
      setPoints: { ...input.setPoints },
      bath: { ...comp, aluminaPct: Math.max(final.aluminaMeanPct, 0) },
      bathMassKg: cell.liquidBathMassKg(),
    },
    freezing: cell.freezing,
    anodeEffectMinutes: cell.anodeEffectS / 60,
    trajectoryAluminaMinPct: Math.max(minAl, 0),
    trajectoryAluminaMaxPct: maxAl,
    anodeEffectRisk: Math.max(steady.anodeEffectRisk, observedRisk),
    runtimeMs: performance.now() - t0,
  };
}
