/**
 * Finite-volume transient and steady heat conduction, ρ·c_p·∂T/∂t = ∇·(k∇T) + q''', on a structured Grid2D
 * (1D problems are single-row grids). Cell-centred, two-point flux with harmonic face conductances (2nd order),
 * boundary conditions on the four sides (Dirichlet, convective, imposed flux, symmetry) per boundary face.
 *
 * Time stepping (unconditionally stable): the θ-scheme C·(T^{n+1} − T^n)/Δt = θ·A·T^{n+1} + (1 − θ)·A·T^n + b
 * (θ = 1 backward Euler, θ = ½ Crank–Nicolson) factorised by the Douglas ADI splitting in delta form
 * (Douglas & Gunn 1964): (C/Δt − θA_x)·δ* = A·T^n + b, (C/Δt − θA_y)·δ = (C/Δt)·δ*. Each factor is a set of
 * tridiagonal line solves (Thomas), so a step is O(N) and allocation-free. In 1D it is exactly the θ-scheme.
 * Steady states are exact fixed points (δ = 0 ⇔ A·T + b = 0).
 *
 * Phase change: enthalpy method with Pham's apparent-capacity linearisation (Pham 1985, Int. J. Heat Mass
 * Transfer 28, 2079): each step solves twice — with a secant capacity about T^n, then with the chord capacity
 * between T^n and the first prediction. The temperature is the solved one; the gap between the enthalpy the chord
 * booked and the equilibrium enthalpy at the new temperature is re-injected as a source in the next step (deferred
 * correction), so energy is conserved exactly over time without the temperature jumps that destabilise the scheme
 * at the kinks of H(T).
 *
 * Steady mode: Picard iterations on the properties with the 5-point system solved by IC(0)-preconditioned CG.
 */
import { PhysicsError } from '../errors.js';
import type { Grid2D } from '../mesh/grid.js';
import { pcgSolve } from '../solvers/pcg.js';
import { solveTridiagonalInPlace } from '../solvers/tridiagonal.js';
import * as materials from './materials.js';
import type { Material } from './materials.js';

// module-local bindings: hot loops call these per cell, and a local binding avoids re-resolving the module export
const { checkMaterial, enthalpyToState, equilibriumEnthalpy, equilibriumLiquidFraction, volumetricEnthalpy } =
  materials;
const solveTridiagonal = solveTridiagonalInPlace;

/** Largest enthalpy defect re-injected per step, as kelvin of sensible heat. */
const DEFECT_LIMIT_K = 2;

export type BoundaryCondition =
  | { type: 'dirichlet'; temperatureC: number }
  | { type: 'convective'; hWPerM2K: number; ambientC: number }
  /** Heat flux into the domain, W/m². */
  | { type: 'flux'; fluxWPerM2: number }
  | { type: 'symmetry' };

export type Side = 'west' | 'east' | 'south' | 'north';
export const SIDES: readonly Side[] = ['west', 'east', 'south', 'north'];

/** A side's condition: one for the whole side, or per boundary face (face index along the side, face centre). */
export type SideCondition = BoundaryCondition | ((faceIndex: number, faceCenterM: number) => BoundaryCondition);

export interface ConductionSpec {
  grid: Grid2D;
  materials: Material[];
  /** Material index per cell (length grid.size). */
  materialIndex: ArrayLike<number>;
  /** Initial temperature, °C (scalar or per cell). */
  initialTemperatureC: number | ArrayLike<number>;
  boundaries: Record<Side, SideCondition>;
  /** Volumetric heat source, W/m³ per cell (may be replaced later via model.source). */
  source?: ArrayLike<number>;
  /** Implicitness θ ∈ [½, 1]; default 1 (backward Euler). */
  theta?: number;
  /** Linear solver of a transient step: 'adi' (Douglas splitting, O(N), default) or 'pcg' (the unsplit θ-system). */
  transientSolver?: 'adi' | 'pcg';
}

interface SideArrays {
  /** Boundary heat-transfer coefficient, W/(m²·K): Infinity = Dirichlet, 0 = flux/symmetry. */
  h: Float64Array;
  /** Boundary temperature (Dirichlet value or ambient), °C. */
  t: Float64Array;
  /** Imposed flux into the domain, W/m². */
  q: Float64Array;
  /** Conductance of each boundary face for the current step, W/K. */
  g: Float64Array;
}

export class ConductionModel {
  readonly grid: Grid2D;
  readonly materials: Material[];
  readonly materialIndex: Uint8Array;
  /** Temperature, °C. */
  readonly T: Float64Array;
  /** Liquid fraction (phase-change cells; 1 for always-fluid, 0 for solids). */
  readonly liquidFraction: Float64Array;
  /** Volumetric source, W/m³. */
  readonly source: Float64Array;
  theta: number;
  transientSolver: 'adi' | 'pcg';
  /** Simulated time, s. */
  timeS = 0;

  // per-step work (allocated once)
  private readonly kCell: Float64Array;
  private readonly phi: Float64Array;
  private readonly hInt: Float64Array;
  private readonly cap: Float64Array;
  private readonly vol: Float64Array;
  private readonly gx: Float64Array;
  private readonly gy: Float64Array;
  private readonly resid: Float64Array;
  private readonly delta: Float64Array;
  private readonly hOld: Float64Array;
  /** Enthalpy booked but not yet realised in temperature, J/m³ (re-injected next step). */
  private readonly defect: Float64Array;
  /** Largest temperature jump Pham's enthalpy update may make beyond the solved temperature, K (else: deferred). */
  maxEnthalpyJumpK = 0.5;
  private readonly la: Float64Array;
  private readonly lb: Float64Array;
  private readonly lc: Float64Array;
  private readonly ld: Float64Array;
  private readonly lcp: Float64Array;
  private readonly pair = new Float64Array(2);
  private readonly sides: Record<Side, SideArrays>;
  private readonly hasPcm: boolean;

  constructor(spec: ConductionSpec) {
    const g = spec.grid;
    this.grid = g;
    const n = g.size;
    if (!(g.nx >= 1 && g.ny >= 1))
      throw new PhysicsError('ERR-PHYS-GRID', 'grid', 'grid needs at least one cell in each direction');
    if (spec.materials.length === 0 || spec.materials.length > 255)
      throw new PhysicsError('ERR-PHYS-RANGE', 'materials', 'between 1 and 255 materials are required');
    spec.materials.forEach((m, i) => checkMaterial(m, `materials.${i}`));
    this.materials = spec.materials;
    if (spec.materialIndex.length !== n)
      throw new PhysicsError(
        'ERR-PHYS-GRID',
        'materialIndex',
        `materialIndex has ${spec.materialIndex.length} entries for ${n} cells`,
      );
    this.materialIndex = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const m = spec.materialIndex[k]!;
      if (!(m >= 0 && m < spec.materials.length) || !Number.isInteger(m))
        throw new PhysicsError('ERR-PHYS-RANGE', 'materialIndex', `cell ${k} has material ${m}`);
      this.materialIndex[k] = m;
    }
    this.hasPcm = spec.materials.some((m) => m.phaseChange);
    this.theta = spec.theta ?? 1;
    this.transientSolver = spec.transientSolver ?? 'adi';
    if (!(this.theta >= 0.5 && this.theta <= 1))
      throw new PhysicsError('ERR-PHYS-RANGE', 'theta', `θ must be in [0.5, 1], got ${this.theta}`, this.theta);
    this.T = new Float64Array(n);
    if (typeof spec.initialTemperatureC === 'number') this.T.fill(spec.initialTemperatureC);
    else {
      if (spec.initialTemperatureC.length !== n)
        throw new PhysicsError(
          'ERR-PHYS-GRID',
          'initialTemperatureC',
          'initial temperature array has the wrong length',
        );
      this.T.set(spec.initialTemperatureC);
    }
    for (let k = 0; k < n; k++)
      if (!Number.isFinite(this.T[k]!))
        throw new PhysicsError('ERR-PHYS-RANGE', 'initialTemperatureC', `cell ${k} initial temperature is not finite`);
    this.liquidFraction = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const m = this.materials[this.materialIndex[k]!]!;
      this.liquidFraction[k] = m.phaseChange
        ? equilibriumLiquidFraction(m.phaseChange, this.T[k]!)
        : m.alwaysFluid
          ? 1
          : 0;
    }
    this.source = new Float64Array(n);
    if (spec.source) this.source.set(spec.source);
    this.kCell = new Float64Array(n);
    this.phi = new Float64Array(n);
    this.hInt = new Float64Array(n);
    this.cap = new Float64Array(n);
    this.vol = new Float64Array(n);
    for (let j = 0; j < g.ny; j++)
      for (let i = 0; i < g.nx; i++) this.vol[j * g.nx + i] = g.x.widths[i]! * g.y.widths[j]!;
    this.gx = new Float64Array(n);
    this.gy = new Float64Array(n);
    this.resid = new Float64Array(n);
    this.delta = new Float64Array(n);
    this.hOld = new Float64Array(n);
    this.defect = new Float64Array(n);
    const m = Math.max(g.nx, g.ny);
    this.la = new Float64Array(m);
    this.lb = new Float64Array(m);
    this.lc = new Float64Array(m);
    this.ld = new Float64Array(m);
    this.lcp = new Float64Array(m);
    const mk = (len: number): SideArrays => ({
      h: new Float64Array(len),
      t: new Float64Array(len),
      q: new Float64Array(len),
      g: new Float64Array(len),
    });
    this.sides = { west: mk(g.ny), east: mk(g.ny), south: mk(g.nx), north: mk(g.nx) };
    for (const s of SIDES) this.setBoundary(s, spec.boundaries[s]);
  }

  /** Sets (or changes) a side's boundary condition. */
  setBoundary(side: Side, cond: SideCondition): void {
    if (cond === undefined)
      throw new PhysicsError('ERR-PHYS-CONFIG', `boundaries.${side}`, `missing boundary condition on the ${side} side`);
    const arr = this.sides[side];
    const along = side === 'west' || side === 'east' ? this.grid.y : this.grid.x;
    for (let f = 0; f < along.n; f++) {
      const bc = typeof cond === 'function' ? cond(f, along.centers[f]!) : cond;
      switch (bc.type) {
        case 'dirichlet':
          if (!Number.isFinite(bc.temperatureC))
            throw new PhysicsError(
              'ERR-PHYS-RANGE',
              `boundaries.${side}.temperatureC`,
              'boundary temperature must be finite',
            );
          arr.h[f] = Infinity;
          arr.t[f] = bc.temperatureC;
          arr.q[f] = 0;
          break;
        case 'convective':
          if (!(bc.hWPerM2K >= 0) || !Number.isFinite(bc.hWPerM2K))
            throw new PhysicsError(
              'ERR-PHYS-RANGE',
              `boundaries.${side}.hWPerM2K`,
              'heat-transfer coefficient must be finite and ≥ 0',
            );
          if (!Number.isFinite(bc.ambientC))
            throw new PhysicsError(
              'ERR-PHYS-RANGE',
              `boundaries.${side}.ambientC`,
              'ambient temperature must be finite',
            );
          arr.h[f] = bc.hWPerM2K;
          arr.t[f] = bc.ambientC;
          arr.q[f] = 0;
          break;
        case 'flux':
          if (!Number.isFinite(bc.fluxWPerM2))
            throw new PhysicsError('ERR-PHYS-RANGE', `boundaries.${side}.fluxWPerM2`, 'boundary flux must be finite');
          arr.h[f] = 0;
          arr.t[f] = 0;
          arr.q[f] = bc.fluxWPerM2;
          break;
        case 'symmetry':
          arr.h[f] = 0;
          arr.t[f] = 0;
          arr.q[f] = 0;
          break;
        default:
          throw new PhysicsError(
            'ERR-PHYS-CONFIG',
            `boundaries.${side}.type`,
            `unknown boundary type ${(bc as { type: string }).type}`,
          );
      }
    }
  }

  /** Updates per-cell conductivity, fluidity and interface h from the current state. */
  private updateProperties(): void {
    const n = this.grid.size;
    const mats = this.materials;
    for (let k = 0; k < n; k++) {
      const m = mats[this.materialIndex[k]!]!;
      const p = m.phaseChange;
      if (p) {
        const f = this.liquidFraction[k]!;
        // series (harmonic) blend: a partly frozen cell conducts like its solid skeleton until nearly all liquid,
        // which keeps the liquid's large effective conductivity from feeding back on the freezing front
        this.kCell[k] = 1 / (f / p.liquidConductivityWPerMK + (1 - f) / p.solidConductivityWPerMK);
        this.phi[k] = m.interfaceHeatTransferWPerM2K ? f : 0;
      } else {
        this.kCell[k] = m.conductivityWPerMK;
        this.phi[k] = m.alwaysFluid ? 1 : 0;
      }
      this.hInt[k] = m.interfaceHeatTransferWPerM2K ?? 0;
    }
  }

  /** Face and boundary conductances for the current properties. */
  private assembleConductances(): void {
    const { nx, ny } = this.grid;
    const dx = this.grid.x.widths;
    const dy = this.grid.y.widths;
    const k = this.kCell;
    const phi = this.phi;
    const hI = this.hInt;
    for (let j = 0; j < ny; j++) {
      const area = dy[j]!;
      for (let i = 0; i < nx - 1; i++) {
        const p = j * nx + i;
        const q = p + 1;
        let r = (0.5 * dx[i]!) / k[p]! + (0.5 * dx[i + 1]!) / k[q]!;
        const dphi = phi[p]! - phi[q]!;
        if (dphi !== 0) r += Math.abs(dphi) / (dphi > 0 ? hI[p]! : hI[q]!);
        this.gx[p] = area / r;
      }
    }
    for (let j = 0; j < ny - 1; j++) {
      for (let i = 0; i < nx; i++) {
        const p = j * nx + i;
        const q = p + nx;
        let r = (0.5 * dy[j]!) / k[p]! + (0.5 * dy[j + 1]!) / k[q]!;
        const dphi = phi[p]! - phi[q]!;
        if (dphi !== 0) r += Math.abs(dphi) / (dphi > 0 ? hI[p]! : hI[q]!);
        this.gy[p] = dx[i]! / r;
      }
    }
    const { west, east, south, north } = this.sides;
    const hx0 = 0.5 * dx[0]!;
    const hx1 = 0.5 * dx[nx - 1]!;
    for (let j = 0; j < ny; j++) {
      const hw = west.h[j]!;
      west.g[j] = hw === 0 ? 0 : dy[j]! / (hx0 / k[j * nx]! + (hw === Infinity ? 0 : 1 / hw));
      const he = east.h[j]!;
      east.g[j] = he === 0 ? 0 : dy[j]! / (hx1 / k[j * nx + nx - 1]! + (he === Infinity ? 0 : 1 / he));
    }
    const hy0 = 0.5 * dy[0]!;
    const hy1 = 0.5 * dy[ny - 1]!;
    for (let i = 0; i < nx; i++) {
      const hs = south.h[i]!;
      south.g[i] = hs === 0 ? 0 : dx[i]! / (hy0 / k[i]! + (hs === Infinity ? 0 : 1 / hs));
      const hn = north.h[i]!;
      north.g[i] = hn === 0 ? 0 : dx[i]! / (hy1 / k[(ny - 1) * nx + i]! + (hn === Infinity ? 0 : 1 / hn));
    }
  }

  /** resid = A·T + b, W per cell (net heat into each cell). */
  private residual(out: Float64Array, dtForDefect = 0): void {
    const { nx, ny } = this.grid;
    const T = this.T;
    const dx = this.grid.x.widths;
    const dy = this.grid.y.widths;
    for (let k = 0; k < out.length; k++) out[k] = this.source[k]! * this.vol[k]!;
    if (dtForDefect > 0) {
      // re-inject pending enthalpy defects, at most the equivalent of DEFECT_LIMIT_K of sensible heat per step
      // (the rest stays pending): a large defect released at once would kick the cell across the phase kink again
      for (let k = 0; k < out.length; k++) {
        const d = this.defect[k]!;
        if (d !== 0) {
          const m = this.materials[this.materialIndex[k]!]!;
          const p = m.phaseChange;
          const cS = p
            ? m.densityKgM3 * Math.min(p.solidSpecificHeatJPerKgK, p.liquidSpecificHeatJPerKgK)
            : m.densityKgM3 * m.specificHeatJPerKgK;
          const lim = cS * DEFECT_LIMIT_K;
          const take = d > lim ? lim : d < -lim ? -lim : d;
          out[k] = out[k]! + (take * this.vol[k]!) / dtForDefect;
          this.defect[k] = d - take;
        }
      }
    }
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx - 1; i++) {
        const p = j * nx + i;
        const fl = this.gx[p]! * (T[p + 1]! - T[p]!);
        out[p] = out[p]! + fl;
        out[p + 1] = out[p + 1]! - fl;
      }
    }
    for (let p = 0; p < nx * (ny - 1); p++) {
      const fl = this.gy[p]! * (T[p + nx]! - T[p]!);
      out[p] = out[p]! + fl;
      out[p + nx] = out[p + nx]! - fl;
    }
    const { west, east, south, north } = this.sides;
    for (let j = 0; j < ny; j++) {
      const pw = j * nx;
      out[pw] = out[pw]! + west.g[j]! * (west.t[j]! - T[pw]!) + west.q[j]! * dy[j]!;
      const pe = j * nx + nx - 1;
      out[pe] = out[pe]! + east.g[j]! * (east.t[j]! - T[pe]!) + east.q[j]! * dy[j]!;
    }
    for (let i = 0; i < nx; i++) {
      out[i] = out[i]! + south.g[i]! * (south.t[i]! - T[i]!) + south.q[i]! * dx[i]!;
      const pn = (ny - 1) * nx + i;
      out[pn] = out[pn]! + north.g[i]! * (north.t[i]! - T[pn]!) + north.q[i]! * dx[i]!;
    }
  }

  /** Capacity per cell, J/(m³·K): secant about T^n (first pass) or chord to the prediction (second pass). */
  private capacities(dtPrediction: Float64Array | null): void {
    const n = this.grid.size;
    const T = this.T;
    for (let k = 0; k < n; k++) {
      const m = this.materials[this.materialIndex[k]!]!;
      const p = m.phaseChange;
      if (!p) {
        this.cap[k] = m.densityKgM3 * m.specificHeatJPerKgK;
        continue;
      }
      const rho = m.densityKgM3;
      const cmin = rho * Math.min(p.solidSpecificHeatJPerKgK, p.liquidSpecificHeatJPerKgK);
      let c: number;
      const d = dtPrediction ? dtPrediction[k]! : 0;
      const s = Math.max(p.mushyRangeK, 0.5);
      const secant = (equilibriumEnthalpy(rho, p, T[k]! + s) - equilibriumEnthalpy(rho, p, T[k]! - s)) / (2 * s);
      if (dtPrediction && Math.abs(d) > 1e-9) {
        // chord to the prediction, but never below the local secant: a cell must not be allowed to jump across the
        // latent zone with its sensible capacity (the deferred enthalpy defect would then be a whole latent heat)
        const chord = (equilibriumEnthalpy(rho, p, T[k]! + d) - this.hOld[k]!) / d;
        c = chord > secant ? chord : secant;
      } else {
        c = secant;
      }
      this.cap[k] = c > cmin ? c : cmin;
    }
  }

  private pcgWork: { diag: Float64Array; gx: Float64Array; gy: Float64Array } | null = null;

  /** Unsplit solve of (C/Δt − θA)·δ = resid by IC(0)-PCG (reference for the ADI splitting). */
  private pcgStepSolve(dt: number): void {
    const { nx, ny, size: n } = this.grid;
    const th = this.theta;
    if (!this.pcgWork) this.pcgWork = { diag: new Float64Array(n), gx: new Float64Array(n), gy: new Float64Array(n) };
    const { diag, gx, gy } = this.pcgWork;
    const { west, east, south, north } = this.sides;
    for (let k = 0; k < n; k++) diag[k] = (this.cap[k]! * this.vol[k]!) / dt;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = j * nx + i;
        gx[p] = i < nx - 1 ? th * this.gx[p]! : 0;
        gy[p] = j < ny - 1 ? th * this.gy[p]! : 0;
        diag[p] =
          diag[p]! +
          gx[p]! +
          gy[p]! +
          (i > 0 ? th * this.gx[p - 1]! : th * west.g[j]!) +
          (j > 0 ? th * this.gy[p - nx]! : th * south.g[i]!);
        if (i === nx - 1) diag[p] = diag[p]! + th * east.g[j]!;
        if (j === ny - 1) diag[p] = diag[p]! + th * north.g[i]!;
      }
    }
    this.delta.fill(0);
    pcgSolve({ nx, ny, diag, gx, gy }, this.resid, this.delta, 1e-12, 20000);
  }

  private linearSolve(dt: number): void {
    if (this.transientSolver === 'pcg') this.pcgStepSolve(dt);
    else this.adiSolve(dt);
  }

  /** Douglas ADI solve of (C/Δt − θA_x)(dt/C)(C/Δt − θA_y)·δ = resid. */
  private adiSolve(dt: number): void {
    const { nx, ny } = this.grid;
    const th = this.theta;
    const { la, lb, lc, ld, lcp } = this;
    const delta = this.delta;
    const { west, east, south, north } = this.sides;
    // x sweeps
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const c0 = (this.cap[p]! * this.vol[p]!) / dt;
        const gw = i > 0 ? this.gx[p - 1]! : west.g[j]!;
        const ge = i < nx - 1 ? this.gx[p]! : east.g[j]!;
        la[i] = i > 0 ? -th * gw : 0;
        lc[i] = i < nx - 1 ? -th * ge : 0;
        lb[i] = c0 + th * (gw + ge);
        ld[i] = this.resid[p]!;
      }
      solveTridiagonal(la, lb, lc, ld, nx, lcp);
      for (let i = 0; i < nx; i++) delta[row + i] = ld[i]!;
    }
    if (ny === 1) return;
    // y sweeps
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const p = j * nx + i;
        const c0 = (this.cap[p]! * this.vol[p]!) / dt;
        const gs = j > 0 ? this.gy[p - nx]! : south.g[i]!;
        const gn = j < ny - 1 ? this.gy[p]! : north.g[i]!;
        la[j] = j > 0 ? -th * gs : 0;
        lc[j] = j < ny - 1 ? -th * gn : 0;
        lb[j] = c0 + th * (gs + gn);
        ld[j] = c0 * delta[p]!;
      }
      solveTridiagonal(la, lb, lc, ld, ny, lcp);
      for (let j = 0; j < ny; j++) delta[j * nx + i] = ld[j]!;
    }
  }

  /** Advances one implicit step of Δt seconds. */
  step(dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt))
      throw new PhysicsError('ERR-PHYS-RANGE', 'timeStepS', `time step must be finite and > 0, got ${dt}`, dt);
    const n = this.grid.size;
    const T = this.T;
    const f = this.liquidFraction;
    // bring phase-change cells to equilibrium with the current liquidus (energy-conserving re-projection)
    if (this.hasPcm) {
      const pair = this.pair;
      for (let k = 0; k < n; k++) {
        const m = this.materials[this.materialIndex[k]!]!;
        const p = m.phaseChange;
        if (!p) continue;
        const h = volumetricEnthalpy(m.densityKgM3, p, T[k]!, f[k]!);
        this.hOld[k] = h;
        enthalpyToState(m.densityKgM3, p, h, pair);
        T[k] = pair[0]!;
        f[k] = pair[1]!;
      }
    }
    this.updateProperties();
    this.assembleConductances();
    this.residual(this.resid, dt);
    this.capacities(null);
    this.linearSolve(dt);
    if (this.hasPcm) {
      // Pham's chord capacity between T^n and the first prediction, then the final solve.
      this.capacities(this.delta);
      this.linearSolve(dt);
      // Temperatures are taken from the linear solve (what the neighbours' fluxes saw: no jumps, hence stable);
      // the enthalpy the chord capacity booked, H^n + C·δ, may differ from the equilibrium enthalpy at T^n + δ when
      // the step crosses a kink of H(T). That difference is carried to the next step as a source (deferred
      // correction), so energy is conserved exactly over time.
      const pair = this.pair;
      for (let k = 0; k < n; k++) {
        const m = this.materials[this.materialIndex[k]!]!;
        const p = m.phaseChange;
        const tNew = T[k]! + this.delta[k]!;
        if (!p) {
          T[k] = tNew;
          continue;
        }
        const booked = this.hOld[k]! + this.cap[k]! * this.delta[k]!;
        enthalpyToState(m.densityKgM3, p, booked, pair);
        if (Math.abs(pair[0]! - tNew) <= this.maxEnthalpyJumpK) {
          // consistent: Pham's update, exact (this is what holds an isothermal front at T_m)
          T[k] = pair[0]!;
          f[k] = pair[1]!;
        } else {
          const fe = equilibriumLiquidFraction(p, tNew);
          T[k] = tNew;
          f[k] = fe;
          this.defect[k] = this.defect[k]! + booked - volumetricEnthalpy(m.densityKgM3, p, tNew, fe);
        }
      }
    } else {
      for (let k = 0; k < n; k++) T[k] = T[k]! + this.delta[k]!;
    }
    this.timeS += dt;
    // cheap NaN guard on one probe per step and a full check every 64 steps
    if (!Number.isFinite(T[0]!) || ((Math.round(this.timeS / dt) & 63) === 0 && !this.allFinite())) {
      throw new PhysicsError('ERR-PHYS-NONFINITE', 'temperatureC', 'temperature field became non-finite');
    }
  }

  private allFinite(): boolean {
    for (let k = 0; k < this.T.length; k++) if (!Number.isFinite(this.T[k]!)) return false;
    return true;
  }

  /** Advances `durationS` in steps of at most `dtS`, calling `onStep` after each step. */
  run(durationS: number, dtS: number, onStep?: (model: ConductionModel) => void): void {
    if (!(durationS >= 0))
      throw new PhysicsError('ERR-PHYS-RANGE', 'durationS', `duration must be ≥ 0, got ${durationS}`);
    const steps = Math.ceil(durationS / dtS - 1e-9);
    const dt = steps > 0 ? durationS / steps : 0;
    for (let s = 0; s < steps; s++) {
      this.step(dt);
      onStep?.(this);
    }
  }

  /**
   * Solves the steady state A·T + b = 0 (Picard on the phase-dependent properties, under-relaxed liquid fraction),
   * starting from the current field. Throws ERR-PHYS-CONVERGENCE if it does not settle.
   */
  solveSteady(
    opts: { toleranceK?: number; maxIterations?: number; relaxation?: number; linearTolerance?: number } = {},
  ): { iterations: number; maxChangeK: number } {
    const tol = opts.toleranceK ?? 1e-7;
    const maxIt = opts.maxIterations ?? 300;
    const omega = opts.relaxation ?? 1;
    const { nx, ny, size: n } = this.grid;
    const diag = new Float64Array(n);
    const rhs = new Float64Array(n);
    const prev = new Float64Array(n);
    const hadBoundary = SIDES.some((s) => this.sides[s].h.some((h) => h > 0));
    if (!hadBoundary)
      throw new PhysicsError(
        'ERR-PHYS-CONFIG',
        'boundaries',
        'a steady problem needs at least one Dirichlet or convective boundary',
      );
    let change = Infinity;
    let lastF = 1;
    for (let it = 1; it <= maxIt; it++) {
      this.updateProperties();
      this.assembleConductances();
      for (let k = 0; k < n; k++) {
        diag[k] = 0;
        rhs[k] = this.source[k]! * this.vol[k]!;
      }
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const p = j * nx + i;
          if (i < nx - 1) {
            diag[p] = diag[p]! + this.gx[p]!;
            diag[p + 1] = diag[p + 1]! + this.gx[p]!;
          }
          if (j < ny - 1) {
            diag[p] = diag[p]! + this.gy[p]!;
            diag[p + nx] = diag[p + nx]! + this.gy[p]!;
          }
        }
      }
      const dx = this.grid.x.widths;
      const dy = this.grid.y.widths;
      const { west, east, south, north } = this.sides;
      for (let j = 0; j < ny; j++) {
        const pw = j * nx;
        diag[pw] = diag[pw]! + west.g[j]!;
        rhs[pw] = rhs[pw]! + west.g[j]! * west.t[j]! + west.q[j]! * dy[j]!;
        const pe = j * nx + nx - 1;
        diag[pe] = diag[pe]! + east.g[j]!;
        rhs[pe] = rhs[pe]! + east.g[j]! * east.t[j]! + east.q[j]! * dy[j]!;
      }
      for (let i = 0; i < nx; i++) {
        diag[i] = diag[i]! + south.g[i]!;
        rhs[i] = rhs[i]! + south.g[i]! * south.t[i]! + south.q[i]! * dx[i]!;
        const pn = (ny - 1) * nx + i;
        diag[pn] = diag[pn]! + north.g[i]!;
        rhs[pn] = rhs[pn]! + north.g[i]! * north.t[i]! + north.q[i]! * dx[i]!;
      }
      // the x-face array must not couple across rows: zero the unused last-column entries for the solver
      for (let j = 0; j < ny; j++) this.gx[j * nx + nx - 1] = 0;
      for (let p = nx * (ny - 1); p < n; p++) this.gy[p] = 0;
      prev.set(this.T);
      // inexact Picard: solve loosely while the phase field is still moving, tightly at the end
      const linTol = opts.linearTolerance ?? 1e-12;
      pcgSolve(
        { nx, ny, diag, gx: this.gx, gy: this.gy },
        rhs,
        this.T,
        this.hasPcm && it > 1 && lastF > 1e-3 ? Math.max(linTol, 1e-6) : linTol,
        20000,
      );
      change = 0;
      for (let k = 0; k < n; k++) change = Math.max(change, Math.abs(this.T[k]! - prev[k]!));
      if (!this.hasPcm && it >= 1) return { iterations: it, maxChangeK: change };
      let fChange = 0;
      for (let k = 0; k < n; k++) {
        const m = this.materials[this.materialIndex[k]!]!;
        if (!m.phaseChange) continue;
        const fe = equilibriumLiquidFraction(m.phaseChange, this.T[k]!);
        const nf = this.liquidFraction[k]! + omega * (fe - this.liquidFraction[k]!);
        fChange = Math.max(fChange, Math.abs(nf - this.liquidFraction[k]!));
        this.liquidFraction[k] = nf;
      }
      lastF = fChange;
      if (change < tol && fChange < 1e-9) return { iterations: it, maxChangeK: change };
    }
    throw new PhysicsError(
      'ERR-PHYS-CONVERGENCE',
      'temperatureC',
      `steady solve did not settle in ${maxIt} Picard iterations (last change ${change} K)`,
      change,
    );
  }

  /** Heat flowing out through each side, W per metre of depth (positive = leaving the domain). */
  boundaryHeatLossW(): Record<Side, number> {
    this.updateProperties();
    this.assembleConductances();
    const { nx, ny } = this.grid;
    const dx = this.grid.x.widths;
    const dy = this.grid.y.widths;
    const T = this.T;
    const out: Record<Side, number> = { west: 0, east: 0, south: 0, north: 0 };
    const { west, east, south, north } = this.sides;
    for (let j = 0; j < ny; j++) {
      out.west += west.g[j]! * (T[j * nx]! - west.t[j]!) - west.q[j]! * dy[j]!;
      out.east += east.g[j]! * (T[j * nx + nx - 1]! - east.t[j]!) - east.q[j]! * dy[j]!;
    }
    for (let i = 0; i < nx; i++) {
      out.south += south.g[i]! * (T[i]! - south.t[i]!) - south.q[i]! * dx[i]!;
      out.north += north.g[i]! * (T[(ny - 1) * nx + i]! - north.t[i]!) - north.q[i]! * dx[i]!;
    }
    return out;
  }

  /** Heat flux leaving through each face of a side, W/m² (positive = leaving). */
  boundaryFluxWPerM2(side: Side): Float64Array {
    this.updateProperties();
    this.assembleConductances();
    const { nx, ny } = this.grid;
    const s = this.sides[side];
    const len = side === 'west' || side === 'east' ? ny : nx;
    const widths = side === 'west' || side === 'east' ? this.grid.y.widths : this.grid.x.widths;
    const out = new Float64Array(len);
    for (let f = 0; f < len; f++) {
      const c = side === 'west' ? f * nx : side === 'east' ? f * nx + nx - 1 : side === 'south' ? f : (ny - 1) * nx + f;
      out[f] = (s.g[f]! * (this.T[c]! - s.t[f]!)) / widths[f]! - s.q[f]!;
    }
    return out;
  }

  /** Total thermal energy Σ V·H relative to 0 °C (phase-change cells: relative to their solidus), J per metre depth. */
  energyJ(): number {
    let e = 0;
    for (let k = 0; k < this.grid.size; k++) {
      const m = this.materials[this.materialIndex[k]!]!;
      const v = this.vol[k]!;
      e += m.phaseChange
        ? v * (volumetricEnthalpy(m.densityKgM3, m.phaseChange, this.T[k]!, this.liquidFraction[k]!) + this.defect[k]!)
        : v * m.densityKgM3 * m.specificHeatJPerKgK * this.T[k]!;
    }
    return e;
  }

  /** Total heat generated by the source per unit time, W per metre depth. */
  sourcePowerW(): number {
    let s = 0;
    for (let k = 0; k < this.grid.size; k++) s += this.source[k]! * this.vol[k]!;
    return s;
  }

  /** Cell volume (per metre depth), m². */
  cellVolume(k: number): number {
    return this.vol[k]!;
  }
}
