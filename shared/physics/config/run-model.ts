/**
 * runModel(config): validates a model configuration (ModelConfig) and runs it, returning a JSON-serialisable result
 * `{ modelName, description?, result }`. Invalid configurations throw PhysicsError('ERR-PHYS-CONFIG', <dotted field>).
 */
import { z } from 'zod';
import { cellVoltageBreakdown } from '../electrochemistry/cell-voltage.js';
import { butlerVolmerCurrentDensityAcm2, solveButlerVolmerOverpotential } from '../electrochemistry/butler-volmer.js';
import { PhysicsError } from '../errors.js';
import { ConductionModel, type BoundaryCondition } from '../heat/conduction.js';
import type { Material } from '../heat/materials.js';
import { AluminaModel } from '../mass/alumina.js';
import { grid1DAs2D, grid2D, uniformGrid } from '../mesh/grid.js';
import { sidewallLedge } from '../cell/sidewall.js';
import { BASE_STATE } from '../cell/design.js';
import { predictSteadyState } from '../cell/predictor.js';
import { whatIf } from '../cell/what-if.js';
import { ModelConfig, type BoundaryConditionConfig, type ModelConfigInput } from './schemas.js';

type Cfg<N extends ModelConfig['modelName']> = Extract<ModelConfig, { modelName: N }>;

export interface ModelRunResult {
  modelName: ModelConfig['modelName'];
  description?: string;
  result: Record<string, unknown>;
  wallTimeMs: number;
}

/** Parses a configuration; throws PhysicsError ERR-PHYS-CONFIG naming the first offending field. */
export function parseModelConfig(input: unknown): ModelConfig {
  const r = ModelConfig.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join('.') || 'modelName';
  throw new PhysicsError('ERR-PHYS-CONFIG', path, `invalid model configuration at ${path}: ${issue.message}`);
}

/** All issues of an invalid configuration (field → message), for API error details. */
export function configIssues(error: z.ZodError): { field: string; issue: string }[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.'), issue: i.message }));
}

function toBc(b: BoundaryConditionConfig): BoundaryCondition {
  if (typeof b === 'number') return { type: 'dirichlet', temperatureC: b };
  if (b.type === 'insulated') return { type: 'symmetry' };
  return b;
}

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

function runFourier(c: Cfg<'FourierHeatModel'>): Record<string, unknown> {
  const p = c.parameters;
  const material: Material = {
    name: 'body',
    conductivityWPerMK: p.thermalConductivity,
    densityKgM3: p.density,
    specificHeatJPerKgK: p.specificHeat,
    ...(p.phaseChange
      ? {
          phaseChange: {
            meltingC: p.phaseChange.meltingC,
            mushyRangeK: p.phaseChange.mushyRangeK,
            latentHeatJPerKg: p.phaseChange.latentHeatJPerKg,
            solidConductivityWPerMK: p.phaseChange.solidConductivity ?? p.thermalConductivity,
            liquidConductivityWPerMK: p.thermalConductivity,
            solidSpecificHeatJPerKgK: p.phaseChange.solidSpecificHeat ?? p.specificHeat,
            liquidSpecificHeatJPerKgK: p.specificHeat,
          },
        }
      : {}),
  };
  const bc = p.boundaryConditions;
  const is1d = p.dimension === '1d';
  const grid = is1d
    ? grid1DAs2D(uniformGrid(p.thicknessM, p.cells, 0, 'parameters.cells'))
    : grid2D(uniformGrid(p.widthM, p.nx, 0, 'parameters.nx'), uniformGrid(p.thicknessM, p.ny, 0, 'parameters.ny'));
  const sym: BoundaryCondition = { type: 'symmetry' };
  const m = new ConductionModel({
    grid,
    materials: [material],
    materialIndex: new Uint8Array(grid.size),
    initialTemperatureC: p.initialTemperature,
    // 1D: x runs from the bottom surface (west) to the top surface (east)
    boundaries: is1d
      ? { west: toBc(bc.bottomSurface), east: toBc(bc.topSurface), south: sym, north: sym }
      : {
          west: toBc(bc.leftSurface),
          east: toBc(bc.rightSurface),
          south: toBc(bc.bottomSurface),
          north: toBc(bc.topSurface),
        },
    theta: p.scheme === 'crank-nicolson' ? 0.5 : 1,
  });
  m.source.fill(p.heatSourceWPerM3);
  if (p.phaseChange)
    for (let k = 0; k < grid.size; k++) m.liquidFraction[k] = p.initialTemperature >= p.phaseChange.meltingC ? 1 : 0;
  const e0 = m.energyJ();
  const snapshots: { timeS: number; temperatureC: number[] }[] = [];
  let steps = 0;
  if (p.mode === 'steady') {
    steps = m.solveSteady().iterations;
  } else {
    const times = [...new Set([...p.outputTimesS.filter((t) => t < p.durationS), p.durationS])].sort((a, b) => a - b);
    let t = 0;
    for (const target of times) {
      if (target > t) {
        const n = Math.ceil((target - t) / p.timeStepS - 1e-9);
        m.run(target - t, (target - t) / n);
        steps += n;
        t = target;
      }
      if (target !== p.durationS) snapshots.push({ timeS: target, temperatureC: arr(m.T) });
    }
  }
  const loss = m.boundaryHeatLossW();
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let k = 0; k < grid.size; k++) {
    min = Math.min(min, m.T[k]!);
    max = Math.max(max, m.T[k]!);
    sum += m.T[k]! * m.cellVolume(k);
  }
  const area = is1d ? 1 : p.widthM;
  const common = {
    dimension: p.dimension,
    mode: p.mode,
    timeS: p.mode === 'steady' ? null : p.durationS,
    steps,
    minTemperatureC: min,
    maxTemperatureC: max,
    meanTemperatureC: sum / (p.thicknessM * area),
    energyChangeJPerM2: (m.energyJ() - e0) / area,
    ...(p.phaseChange ? { liquidFraction: arr(m.liquidFraction) } : {}),
    ...(snapshots.length ? { snapshots } : {}),
  };
  if (is1d) {
    return {
      ...common,
      positionsM: arr(grid.x.centers),
      temperatureC: arr(m.T),
      /** Heat leaving through each surface, W/m². */
      heatLossWPerM2: { bottomSurface: loss.west, topSurface: loss.east },
    };
  }
  const rows: number[][] = [];
  for (let j = 0; j < grid.ny; j++) rows.push(arr(m.T.subarray(j * grid.nx, (j + 1) * grid.nx)));
  return {
    ...common,
    xM: arr(grid.x.centers),
    yM: arr(grid.y.centers),
    temperatureC: rows,
    /** Heat leaving through each surface, W per metre of depth. */
    heatLossWPerM: {
      bottomSurface: loss.south,
      topSurface: loss.north,
      leftSurface: loss.west,
      rightSurface: loss.east,
    },
  };
}

function runFick(c: Cfg<'FickMassModel'>): Record<string, unknown> {
  const p = c.parameters;
  const ny = p.dimension === '1d' ? 1 : p.ny;
  const model = new AluminaModel({
    lengthM: p.lengthM,
    widthM: p.widthM,
    nx: p.nx,
    ny,
    bathMassKg: p.bathMassKg,
    bathDensityKgM3: p.bathDensityKgM3,
    dispersionM2PerS: p.dispersionM2PerS,
    circulationMPerS: p.circulationMPerS,
    initialAluminaPct: p.initialAluminaPct,
    feeders: p.feeders.map((f) => ({ xM: f.xM, yM: p.dimension === '1d' ? p.widthM / 2 : f.yM })),
    fastFraction: p.fastFraction,
    slowRatePerS: p.slowRatePerS,
  });
  const I = p.lineCurrentKA * 1000;
  const initialKg = model.totalAluminaKg();
  const series = {
    timeS: [0],
    meanPct: [model.stats().meanPct],
    minPct: [model.stats().minPct],
    maxPct: [model.stats().maxPct],
  };
  let t = 0;
  let nextShot = p.feedIntervalS > 0 ? p.feedIntervalS : Infinity;
  let nextSample = p.sampleEveryS;
  let tAE: number | null = model.stats().minPct <= p.aluminaAtAnodeEffectPct ? 0 : null;
  while (t < p.durationS - 1e-9) {
    const next = Math.min(p.durationS, t + p.timeStepS, nextShot);
    model.step(next - t, I, p.currentEfficiency);
    t = next;
    if (t >= nextShot - 1e-9) {
      model.feed(p.shotMassKg);
      nextShot += p.feedIntervalS;
    }
    const s = model.stats();
    if (tAE === null && s.minPct <= p.aluminaAtAnodeEffectPct) tAE = t;
    if (t >= nextSample - 1e-9 || t >= p.durationS - 1e-9) {
      series.timeS.push(t);
      series.meanPct.push(s.meanPct);
      series.minPct.push(Math.max(s.minPct, 0));
      series.maxPct.push(s.maxPct);
      nextSample += p.sampleEveryS;
    }
  }
  const g = model.grid;
  const rows: number[][] = [];
  for (let j = 0; j < g.ny; j++)
    rows.push(arr(model.transport.c.subarray(j * g.nx, (j + 1) * g.nx)).map((v) => Math.max(v, 0)));
  const finalKg = model.totalAluminaKg();
  return {
    dimension: p.dimension,
    series,
    final: { xM: arr(g.x.centers), yM: arr(g.y.centers), aluminaPct: rows, ...model.stats() },
    timeToAnodeEffectS: tAE,
    massBalance: {
      initialKg,
      fedKg: model.fedKg,
      consumedKg: model.consumedKg,
      finalKg,
      undissolvedKg: arr(model.undissolvedKg).reduce((a, b) => a + b, 0),
      /** final − (initial + fed − consumed): round-off only. */
      errorKg: finalKg - (initialKg + model.fedKg - model.consumedKg),
      consumptionDeficitKg: model.consumptionDeficitKg,
    },
  };
}

function runButlerVolmer(c: Cfg<'ButlerVolmerModel'>): Record<string, unknown> {
  const p = c.parameters;
  const params = {
    exchangeCurrentDensityAcm2: p.exchangeCurrentDensityAcm2,
    alphaAnodic: p.alphaAnodic,
    alphaCathodic: p.alphaCathodic,
    temperatureK: p.temperatureK,
    ...(p.anodicLimitAcm2 !== undefined ? { anodicLimitAcm2: p.anodicLimitAcm2 } : {}),
    ...(p.cathodicLimitAcm2 !== undefined ? { cathodicLimitAcm2: p.cathodicLimitAcm2 } : {}),
  };
  const out: Record<string, unknown> = {};
  if (p.currentDensityAcm2 !== undefined)
    out.overpotential = {
      currentDensityAcm2: p.currentDensityAcm2,
      ...solveButlerVolmerOverpotential(params, p.currentDensityAcm2),
    };
  if (p.overpotentialV !== undefined)
    out.currentDensity = {
      overpotentialV: p.overpotentialV,
      currentDensityAcm2: butlerVolmerCurrentDensityAcm2(params, p.overpotentialV),
    };
  if (p.curve) {
    const eta: number[] = [];
    const i: number[] = [];
    for (let k = 0; k < p.curve.points; k++) {
      const e = p.curve.fromV + ((p.curve.toV - p.curve.fromV) * k) / (p.curve.points - 1);
      eta.push(e);
      i.push(butlerVolmerCurrentDensityAcm2(params, e));
    }
    out.curve = { overpotentialV: eta, currentDensityAcm2: i };
  }
  return out;
}

function runCell(c: Cfg<'CellModel'>): Record<string, unknown> {
  const p = c.parameters;
  const state = p.state
    ? { setPoints: p.state.setPoints, bath: p.state.bath, bathMassKg: p.state.bathMassKg }
    : BASE_STATE;
  if (p.mode === 'steady')
    return { mode: 'steady', steady: predictSteadyState({ setPoints: p.setPoints, state, durationH: p.durationH }) };
  const r = whatIf({
    setPoints: p.setPoints,
    state,
    durationH: p.durationH,
    sampleEveryH: p.sampleEveryH,
    thermalStepS: p.thermalStepS,
  });
  return { mode: 'whatIf', ...r };
}

/** Validates and runs a model configuration. */
export function runModel(input: ModelConfigInput | unknown): ModelRunResult {
  const t0 = performance.now();
  const cfg = parseModelConfig(input);
  let result: Record<string, unknown>;
  switch (cfg.modelName) {
    case 'FourierHeatModel':
      result = runFourier(cfg);
      break;
    case 'FickMassModel':
      result = runFick(cfg);
      break;
    case 'ButlerVolmerModel':
      result = runButlerVolmer(cfg);
      break;
    case 'CellVoltageModel':
      result = { ...cellVoltageBreakdown(cfg.parameters) };
      break;
    case 'SidewallLedgeModel':
      result = { ...sidewallLedge(cfg.parameters) };
      break;
    case 'CellModel':
      result = runCell(cfg);
      break;
  }
  return {
    modelName: cfg.modelName,
    ...(cfg.description !== undefined ? { description: cfg.description } : {}),
    result: jsonSafe(result) as Record<string, unknown>,
    wallTimeMs: performance.now() - t0,
  };
}

/** Deep copy with typed arrays as arrays and non-finite numbers as null (JSON has no NaN/∞). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = jsonSafe(x);
    return o;
  }
  return v;
}

/** Replaces long numeric arrays by { length, min, max, first, last } and long object arrays by their ends. */
export function summarize(v: unknown, maxLength = 8): unknown {
  if (Array.isArray(v)) {
    if (v.length <= maxLength) return v.map((x) => summarize(x, maxLength));
    if (v.every((x) => typeof x === 'number' || x === null)) {
      const nums = v.filter((x): x is number => typeof x === 'number');
      return { length: v.length, min: Math.min(...nums), max: Math.max(...nums), first: v[0], last: v[v.length - 1] };
    }
    return { length: v.length, first: summarize(v[0], maxLength), last: summarize(v[v.length - 1], maxLength) };
  }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = summarize(x, maxLength);
    return o;
  }
  return v;
}
