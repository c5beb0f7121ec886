/**
 * Calibration: fit chosen parameters of a model to measurements with bounded Levenberg–Marquardt, holding out part
 * of the data (seeded split) to check predictions. Residuals are relative, (prediction − measurement)/|measurement|,
 * so quantities of different units weigh alike. The seed requirement: held-out predictions within ±5 %.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PhysicsError } from '../errors.js';
import { BASE_DESIGN, BASE_SET_POINTS, BASE_STATE, type CellDesign, type CellState } from '../cell/design.js';
import {
  DEFAULT_REDUCED_MODEL,
  predictSteadyState,
  type ReducedThermalModel,
  type SteadyPrediction,
} from '../cell/predictor.js';
import { levenbergMarquardt } from './lm.js';

export interface ParameterSpec {
  name: string;
  initial: number;
  lower: number;
  upper: number;
}

export interface Observation<X> {
  input: X;
  /** Measured values by output name. */
  measured: Record<string, number>;
}

export interface CalibrationResult {
  parameters: Record<string, number>;
  standardErrors: Record<string, number | null>;
  converged: boolean;
  iterations: number;
  training: { count: number; rmsRelative: number; maxRelative: number };
  holdOut: {
    count: number;
    rmsRelative: number;
    maxRelative: number;
    withinTolerance: number;
    tolerance: number;
    predictions: { measured: Record<string, number>; predicted: Record<string, number> }[];
  };
}

/** Deterministic PRNG (mulberry32) for seeded splits and synthetic noise. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate from a uniform source (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function calibrate<X>(args: {
  parameters: ParameterSpec[];
  data: Observation<X>[];
  predict: (params: Record<string, number>, input: X) => Record<string, number>;
  holdOutFraction?: number;
  seed?: number;
  tolerance?: number;
}): CalibrationResult {
  const { parameters, data, predict } = args;
  if (parameters.length === 0)
    throw new PhysicsError('ERR-PHYS-DATA', 'parameters', 'choose at least one parameter to fit');
  const frac = args.holdOutFraction ?? 0.25;
  const tol = args.tolerance ?? 0.05;
  const rand = seededRandom(args.seed ?? 1);
  const order = data
    .map((_, i) => ({ i, k: rand() }))
    .sort((a, b) => a.k - b.k)
    .map((o) => o.i);
  const nHold = Math.round(data.length * frac);
  const holdIdx = new Set(order.slice(0, nHold));
  const train = data.filter((_, i) => !holdIdx.has(i));
  const hold = data.filter((_, i) => holdIdx.has(i));
  const nObs = train.reduce((s, o) => s + Object.keys(o.measured).length, 0);
  if (nObs <= parameters.length)
    throw new PhysicsError(
      'ERR-PHYS-DATA',
      'data',
      `${nObs} training measurements cannot determine ${parameters.length} parameters`,
    );
  const named = (p: number[]) => Object.fromEntries(parameters.map((s, i) => [s.name, p[i]!]));
  const rel = (pred: number, meas: number) => (pred - meas) / Math.max(Math.abs(meas), 1e-12);
  const residuals = (p: number[]) => {
    const params = named(p);
    const out: number[] = [];
    for (const o of train) {
      const pr = predict(params, o.input);
      for (const [k, v] of Object.entries(o.measured)) out.push(rel(pr[k] ?? Number.NaN, v));
    }
    return out;
  };
  const fit = levenbergMarquardt(
    residuals,
    parameters.map((s) => s.initial),
    { lower: parameters.map((s) => s.lower), upper: parameters.map((s) => s.upper) },
  );
  const params = named(fit.parameters);
  const stats = (rs: number[]) => ({
    count: rs.length,
    rmsRelative: Math.sqrt(rs.reduce((s, v) => s + v * v, 0) / Math.max(rs.length, 1)),
    maxRelative: rs.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  });
  const holdRes: number[] = [];
  const predictions = hold.map((o) => {
    const pr = predict(params, o.input);
    const predicted: Record<string, number> = {};
    for (const [k, v] of Object.entries(o.measured)) {
      predicted[k] = pr[k]!;
      holdRes.push(rel(pr[k]!, v));
    }
    return { measured: o.measured, predicted };
  });
  const hs = stats(holdRes);
  return {
    parameters: params,
    standardErrors: Object.fromEntries(parameters.map((s, i) => [s.name, fit.standardErrors[i] ?? null])),
    converged: fit.converged,
    iterations: fit.iterations,
    training: stats(fit.residuals),
    holdOut: {
      ...hs,
      withinTolerance: holdRes.length ? holdRes.filter((v) => Math.abs(v) <= tol).length / holdRes.length : 1,
      tolerance: tol,
      predictions,
    },
  };
}

/** One measured steady operating point of a cell: set points and what was measured (any subset). */
export const CellObservation = z.object({
  setPoints: z
    .object({
      lineCurrentKA: z.number(),
      acdCm: z.number(),
      feedIntervalS: z.number(),
      alf3AdditionKgPerDay: z.number(),
    })
    .partial(),
  durationH: z.number().nonnegative().optional(),
  measured: z
    .object({ bathTempC: z.number(), cellVoltageV: z.number(), ledgeThicknessM: z.number(), superheatC: z.number() })
    .partial(),
});
export const CellDataset = z.array(CellObservation).min(2);
export type CellObservation = z.infer<typeof CellObservation>;

/** Reads a JSON dataset of cell observations (used until the telemetry gold tables exist). */
export function readCellDataset(file: string): CellObservation[] {
  const parsed = CellDataset.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PhysicsError('ERR-PHYS-DATA', i.path.map(String).join('.') || 'dataset', `invalid dataset: ${i.message}`);
  }
  return parsed.data;
}

/** Parameters of the cell model a calibration may fit. */
export type CellFitParameter =
  | 'otherConductanceWPerK'
  | 'outerResistanceM2KPerW'
  | 'bathToLedgeWPerM2K'
  | 'currentEfficiency'
  | 'externalResistanceMicroOhm';

export const CELL_FIT_BOUNDS: Record<
  CellFitParameter,
  { lower: number; upper: number; initial: (d: CellDesign, m: ReducedThermalModel) => number }
> = {
  otherConductanceWPerK: { lower: 50, upper: 2000, initial: (_d, m) => m.otherConductanceWPerK },
  outerResistanceM2KPerW: { lower: 0.005, upper: 2, initial: (_d, m) => m.outerResistanceM2KPerW },
  bathToLedgeWPerM2K: { lower: 100, upper: 3000, initial: (_d, m) => m.bathToLedgeWPerM2K },
  currentEfficiency: { lower: 0.8, upper: 0.99, initial: (d) => d.currentEfficiency },
  externalResistanceMicroOhm: { lower: 0, upper: 20, initial: (d) => d.resistancesMicroOhm.external },
};

/** Steady prediction of an observation under trial parameter values. */
export function predictWith(
  params: Record<string, number>,
  obs: CellObservation,
  design: CellDesign = BASE_DESIGN,
  reduced: ReducedThermalModel = DEFAULT_REDUCED_MODEL,
  state: CellState = BASE_STATE,
): SteadyPrediction {
  const d: CellDesign = {
    ...design,
    currentEfficiency: params.currentEfficiency ?? design.currentEfficiency,
    resistancesMicroOhm: {
      ...design.resistancesMicroOhm,
      external: params.externalResistanceMicroOhm ?? design.resistancesMicroOhm.external,
    },
  };
  const m: ReducedThermalModel = {
    ...reduced,
    otherConductanceWPerK: params.otherConductanceWPerK ?? reduced.otherConductanceWPerK,
    outerResistanceM2KPerW: params.outerResistanceM2KPerW ?? reduced.outerResistanceM2KPerW,
    bathToLedgeWPerM2K: params.bathToLedgeWPerM2K ?? reduced.bathToLedgeWPerM2K,
  };
  return predictSteadyState({
    setPoints: { ...BASE_SET_POINTS, ...obs.setPoints },
    durationH: obs.durationH ?? 0,
    design: d,
    reduced: m,
    state,
  });
}

/** Fits the chosen cell parameters to observations (relative residuals on every measured quantity). */
export function calibrateCell(
  data: CellObservation[],
  fit: CellFitParameter[],
  opts: { holdOutFraction?: number; seed?: number; design?: CellDesign; reduced?: ReducedThermalModel } = {},
): CalibrationResult {
  const design = opts.design ?? BASE_DESIGN;
  const reduced = opts.reduced ?? DEFAULT_REDUCED_MODEL;
  return calibrate({
    parameters: fit.map((name) => ({
      name,
      initial: CELL_FIT_BOUNDS[name].initial(design, reduced),
      lower: CELL_FIT_BOUNDS[name].lower,
      upper: CELL_FIT_BOUNDS[name].upper,
    })),
    data: data.map((o) => ({ input: o, measured: o.measured as Record<string, number> })),
    predict: (params, o) => {
      const p = predictWith(params, o, design, reduced);
      return {
        bathTempC: p.bathTempC,
        cellVoltageV: p.cellVoltageV,
        ledgeThicknessM: p.ledgeThicknessM,
        superheatC: p.superheatC,
      };
    },
    ...(opts.holdOutFraction !== undefined ? { holdOutFraction: opts.holdOutFraction } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
}
