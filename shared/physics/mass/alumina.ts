/**
 * Dissolved-alumina transport in the bath (PHYSICS.md §Mass):
 *   ∂C/∂t = ∇·(D∇C) − u·∇C + S_feed − S_consumption
 * on a plan-view grid of the bath (x along the cell, y across it), C in wt %, with an effective dispersion
 * coefficient D (bubble-driven mixing dominates molecular diffusion, ≈ 1e-9 m²/s; calibrate D), optional advection
 * (a divergence-free single-loop circulation), point-feeder shots that dissolve a fast fraction at once (≈ 0.6) and
 * the rest first-order (k ≈ 0.002 1/s), and consumption by Faraday's law, M_Al2O3·I·CE/(6F), distributed over the
 * cells under the anodes in proportion to their anode current.
 *
 * Conservation: Σ alumina (dissolved + undissolved) changes by exactly fed − consumed, to round-off: the transport is
 * conservative, the slow dissolution is integrated exactly over each step (m_u·(1 − e^{−kΔt})), and consumption is
 * limited only in a cell that is about to run dry (reported in `consumptionDeficitKg`).
 */
import { aluminaConsumptionKgPerS } from '../constants.js';
import { checkPositive, checkRange, PhysicsError } from '../errors.js';
import { grid2D, locate, uniformGrid, type Grid2D } from '../mesh/grid.js';
import { ScalarTransport2D } from './transport.js';

export interface FeederSpec {
  /** Position along the cell, m (0 = one end of the bath). */
  xM: number;
  /** Position across the cell, m. */
  yM: number;
}

export interface AluminaModelSpec {
  /** Bath plan dimensions, m. */
  lengthM: number;
  widthM: number;
  /** Grid cells along and across (≥ 1 each). */
  nx: number;
  ny: number;
  /** Liquid bath mass, kg (spread uniformly over the plan). */
  bathMassKg: number;
  /** Bath density, kg/m³ (PHYSICS.md: 2100). */
  bathDensityKgM3: number;
  /** Effective dispersion coefficient, m²/s. */
  dispersionM2PerS: number;
  /** Peak velocity of an optional single-loop circulation, m/s (0 = none). */
  circulationMPerS?: number;
  /** Initial dissolved alumina, wt %. */
  initialAluminaPct: number;
  feeders: FeederSpec[];
  /** Fraction of a shot dissolving at once, - (PHYSICS.md ≈ 0.6). */
  fastFraction: number;
  /** First-order dissolution rate of the rest, 1/s (PHYSICS.md ≈ 0.002). */
  slowRatePerS: number;
  /**
   * Relative anode current per cell (consumption weights), length nx·ny, or omitted for a uniform distribution over
   * the whole plan. Normalised internally.
   */
  currentWeights?: ArrayLike<number>;
  /** Radius around a feeder over which a shot dissolves (cells by centre distance; the feeder cell at least), m. */
  shotFootprintRadiusM?: number;
  /** Saturation, wt %: dissolution stops in a cell at saturation, the rest waits undissolved. Default ∞. */
  saturationPct?: number;
}

export interface AluminaStats {
  meanPct: number;
  minPct: number;
  maxPct: number;
}

export class AluminaModel {
  readonly spec: AluminaModelSpec;
  readonly grid: Grid2D;
  readonly transport: ScalarTransport2D;
  /** Undissolved alumina waiting at each feeder, kg. */
  readonly undissolvedKg: Float64Array;
  readonly feederCell: Int32Array;
  /** Cells of each feeder's footprint and their share of the footprint's bath mass. */
  private readonly footprint: { cells: Int32Array; share: Float64Array }[];
  private readonly weights: Float64Array;
  /** Saturation, wt % (updatable as temperature and chemistry change). */
  saturationPct: number;
  /** Cumulative feed, consumption and unmet consumption, kg. */
  fedKg = 0;
  consumedKg = 0;
  consumptionDeficitKg = 0;
  timeS = 0;
  private nextFeeder = 0;

  constructor(spec: AluminaModelSpec) {
    checkPositive('lengthM', spec.lengthM);
    checkPositive('widthM', spec.widthM);
    checkPositive('bathMassKg', spec.bathMassKg);
    checkPositive('bathDensityKgM3', spec.bathDensityKgM3);
    checkPositive('dispersionM2PerS', spec.dispersionM2PerS, true);
    checkRange('initialAluminaPct', spec.initialAluminaPct, { min: 0, max: 20, unit: 'wt %' });
    checkRange('fastFraction', spec.fastFraction, { min: 0, max: 1, unit: '-' });
    checkPositive('slowRatePerS', spec.slowRatePerS);
    const circ = spec.circulationMPerS ?? 0;
    if (!Number.isFinite(circ))
      throw new PhysicsError('ERR-PHYS-RANGE', 'circulationMPerS', 'circulation velocity must be finite');
    this.spec = spec;
    this.grid = grid2D(
      uniformGrid(spec.lengthM, spec.nx, 0, 'alumina.x'),
      uniformGrid(spec.widthM, spec.ny, 0, 'alumina.y'),
    );
    const { nx, ny, size } = this.grid;
    const t = new ScalarTransport2D(this.grid);
    this.transport = t;
    const dx = spec.lengthM / nx;
    const dy = spec.widthM / ny;
    const depth = spec.bathMassKg / spec.bathDensityKgM3 / (spec.lengthM * spec.widthM); // effective bath depth, m
    const cellMass = spec.bathMassKg / size;
    // content = alumina kg = cap·C with C in wt %: cap = cell bath mass / 100
    t.cap.fill(cellMass / 100);
    t.c.fill(spec.initialAluminaPct);
    // diffusive conductance ρ·D·(face area)/(distance)/100, kg/s per wt %
    const gX = (spec.bathDensityKgM3 * spec.dispersionM2PerS * depth * dy) / dx / 100;
    const gY = (spec.bathDensityKgM3 * spec.dispersionM2PerS * depth * dx) / dy / 100;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (i < nx - 1) t.gx[k] = gX;
        if (j < ny - 1) t.gy[k] = gY;
      }
    if (circ !== 0) {
      // stream function ψ(x, y) = U·(W/π)·sin(πx/L)·sin(πy/W) at cell corners; face flows = ρ·depth·Δψ/100,
      // exactly divergence-free on the grid and zero through the walls.
      const psi = (x: number, y: number) =>
        ((circ * spec.widthM) / Math.PI) *
        Math.sin((Math.PI * x) / spec.lengthM) *
        Math.sin((Math.PI * y) / spec.widthM);
      const s = (spec.bathDensityKgM3 * depth) / 100;
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const k = j * nx + i;
          const xe = (i + 1) * dx;
          const yn = (j + 1) * dy;
          // u = ∂ψ/∂y, v = −∂ψ/∂x
          if (i < nx - 1) t.fx[k] = s * (psi(xe, yn) - psi(xe, j * dy));
          if (j < ny - 1) t.fy[k] = -s * (psi(xe, yn) - psi(i * dx, yn));
        }
    }
    if (spec.feeders.length === 0)
      throw new PhysicsError('ERR-PHYS-RANGE', 'feeders', 'at least one feeder is required');
    this.feederCell = new Int32Array(spec.feeders.length);
    spec.feeders.forEach((f, n) => {
      checkRange(`feeders.${n}.xM`, f.xM, { min: 0, max: spec.lengthM, unit: 'm' });
      checkRange(`feeders.${n}.yM`, f.yM, { min: 0, max: spec.widthM, unit: 'm' });
      this.feederCell[n] = locate(this.grid.y, f.yM) * nx + locate(this.grid.x, f.xM);
    });
    this.undissolvedKg = new Float64Array(spec.feeders.length);
    this.saturationPct = spec.saturationPct ?? Infinity;
    const r = spec.shotFootprintRadiusM ?? 0;
    this.footprint = spec.feeders.map((f, n) => {
      const cells: number[] = [];
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          if (Math.hypot(this.grid.x.centers[i]! - f.xM, this.grid.y.centers[j]! - f.yM) <= r) cells.push(j * nx + i);
        }
      if (!cells.includes(this.feederCell[n]!)) cells.push(this.feederCell[n]!);
      return { cells: Int32Array.from(cells), share: new Float64Array(cells.length).fill(1 / cells.length) };
    });
    this.weights = new Float64Array(size);
    if (spec.currentWeights) {
      if (spec.currentWeights.length !== size)
        throw new PhysicsError('ERR-PHYS-GRID', 'currentWeights', `currentWeights needs ${size} entries`);
      let sum = 0;
      for (let k = 0; k < size; k++) {
        const w = spec.currentWeights[k]!;
        if (!(w >= 0) || !Number.isFinite(w))
          throw new PhysicsError('ERR-PHYS-RANGE', 'currentWeights', `weight ${k} must be finite and ≥ 0`);
        sum += w;
      }
      if (!(sum > 0)) throw new PhysicsError('ERR-PHYS-RANGE', 'currentWeights', 'current weights sum to zero');
      for (let k = 0; k < size; k++) this.weights[k] = spec.currentWeights[k]! / sum;
    } else this.weights.fill(1 / size);
  }

  /** Drops one shot of `massKg` from a feeder (round robin when `feeder` is omitted). */
  feed(massKg: number, feeder?: number): void {
    checkPositive('shotMassKg', massKg, true);
    const n = feeder ?? this.nextFeeder;
    if (!(n >= 0 && n < this.feederCell.length)) throw new PhysicsError('ERR-PHYS-RANGE', 'feeder', `no feeder ${n}`);
    this.nextFeeder = (n + 1) % this.feederCell.length;
    const fast = this.dissolveInto(n, massKg * this.spec.fastFraction);
    this.undissolvedKg[n] = this.undissolvedKg[n]! + (massKg - fast);
    this.fedKg += massKg;
  }

  /** Dissolves up to `kg` over feeder n's footprint, no cell beyond saturation; returns the mass dissolved. */
  private dissolveInto(n: number, kg: number): number {
    const fp = this.footprint[n]!;
    const t = this.transport;
    let done = 0;
    for (let m = 0; m < fp.cells.length; m++) {
      const k = fp.cells[m]!;
      const want = kg * fp.share[m]!;
      const room = Math.max((this.saturationPct - t.c[k]!) * t.cap[k]!, 0);
      const put = want < room ? want : room;
      t.c[k] = t.c[k]! + put / t.cap[k]!;
      done += put;
    }
    return done;
  }

  /** Advances Δt with line current I (A) and current efficiency CE (Faraday consumption). */
  step(dtS: number, currentA: number, currentEfficiency: number): void {
    checkPositive('currentA', currentA, true);
    const t = this.transport;
    const src = t.source;
    const rate = aluminaConsumptionKgPerS(currentA, currentEfficiency);
    for (let k = 0; k < src.length; k++) {
      // never consume more than the cell holds (anode effect long past by then): deficit is reported
      const want = rate * this.weights[k]!;
      const avail = (t.cap[k]! * Math.max(t.c[k]!, 0)) / dtS;
      const take = want <= avail ? want : avail;
      this.consumptionDeficitKg += (want - take) * dtS;
      this.consumedKg += take * dtS;
      src[k] = -take;
    }
    const decay = 1 - Math.exp(-this.spec.slowRatePerS * dtS);
    for (let n = 0; n < this.undissolvedKg.length; n++) {
      const want = this.undissolvedKg[n]! * decay;
      if (want <= 0) continue;
      const fp = this.footprint[n]!;
      let dissolved = 0;
      for (let m = 0; m < fp.cells.length; m++) {
        const k = fp.cells[m]!;
        const part = want * fp.share[m]!;
        const room = Math.max((this.saturationPct - t.c[k]!) * t.cap[k]!, 0);
        const put = part < room ? part : room;
        src[k] = src[k]! + put / dtS;
        dissolved += put;
      }
      this.undissolvedKg[n] = this.undissolvedKg[n]! - dissolved;
    }
    t.step(dtS);
    this.timeS += dtS;
  }

  /** Dissolved alumina, kg. */
  dissolvedKg(): number {
    return this.transport.content();
  }

  /** Dissolved + undissolved alumina, kg. */
  totalAluminaKg(): number {
    let u = 0;
    for (let n = 0; n < this.undissolvedKg.length; n++) u += this.undissolvedKg[n]!;
    return this.transport.content() + u;
  }

  stats(): AluminaStats {
    const c = this.transport.c;
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < c.length; k++) {
      const v = c[k]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = (this.transport.content() / this.spec.bathMassKg) * 100;
    return { meanPct: mean, minPct: min, maxPct: max };
  }

  /** Consumption-weighted mean concentration, wt % (what the anodes see). */
  anodeMeanPct(): number {
    const c = this.transport.c;
    let s = 0;
    for (let k = 0; k < c.length; k++) s += this.weights[k]! * c[k]!;
    return s;
  }
}

/** Base-cell plan: 4.7 m × 3.5 m bath, four feeders on the centre line (typical 126 kA prebake layout). */
export const BASE_ALUMINA_LAYOUT = Object.freeze({
  lengthM: 4.7,
  widthM: 3.5,
  feeders: [
    { xM: 0.85, yM: 1.75 },
    { xM: 1.85, yM: 1.75 },
    { xM: 2.85, yM: 1.75 },
    { xM: 3.85, yM: 1.75 },
  ],
  /** Effective dispersion coefficient, m²/s (bubble-driven mixing; engineering default, calibrate). */
  dispersionM2PerS: 5e-3,
  fastFraction: 0.6,
  slowRatePerS: 0.002,
});

export interface FeedStopResult {
  /** Time from the feed stop to the first cell (anode-weighted mean if `criterion: 'mean'`) at C_AE, s; null if not reached. */
  timeToAnodeEffectS: number | null;
  /** Lumped estimate (C_mean − C_AE)·M_bath/100 / consumption rate (ignores undissolved alumina), s. */
  lumpedEstimateS: number;
}

/**
 * Runs the model with the feed stopped until the alumina reaches C_AE (in the leanest cell, or the mean), up to
 * `maxS` seconds. The model is advanced in place.
 */
export function timeToAnodeEffect(
  model: AluminaModel,
  opts: {
    currentA: number;
    currentEfficiency: number;
    aluminaAtAnodeEffectPct: number;
    dtS?: number;
    maxS?: number;
    criterion?: 'min' | 'mean';
  },
): FeedStopResult {
  const dt = opts.dtS ?? 5;
  const maxS = opts.maxS ?? 6 * 3600;
  const rate = aluminaConsumptionKgPerS(opts.currentA, opts.currentEfficiency);
  const s0 = model.stats();
  const lumped =
    rate > 0 ? (((s0.meanPct - opts.aluminaAtAnodeEffectPct) / 100) * model.spec.bathMassKg) / rate : Infinity;
  const level = () => (opts.criterion === 'mean' ? model.stats().meanPct : model.stats().minPct);
  if (level() <= opts.aluminaAtAnodeEffectPct) return { timeToAnodeEffectS: 0, lumpedEstimateS: Math.max(lumped, 0) };
  let t = 0;
  while (t < maxS) {
    const before = level();
    model.step(dt, opts.currentA, opts.currentEfficiency);
    t += dt;
    const after = level();
    if (after <= opts.aluminaAtAnodeEffectPct) {
      // linear interpolation inside the last step
      const frac = before > after ? (before - opts.aluminaAtAnodeEffectPct) / (before - after) : 1;
      return { timeToAnodeEffectS: t - dt + frac * dt, lumpedEstimateS: lumped };
    }
  }
  return { timeToAnodeEffectS: null, lumpedEstimateS: lumped };
}
