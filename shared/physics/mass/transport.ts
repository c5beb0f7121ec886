/**
 * Conservative finite-volume transport of a scalar on a Grid2D:
 *   cap·∂c/∂t = ∇·(g∇c) − ∇·(F·c) + S
 * with per-cell capacity `cap` (content = cap·c), diffusive face conductances g, advective face flows F (first-order
 * upwind), sources S (content per second), and closed (zero-flux) walls. Backward Euler (θ = 1) or θ-scheme,
 * factorised by Douglas ADI in delta form exactly as the heat solver (each factor is a set of tridiagonal line
 * solves). Every face flux leaves one cell and enters its neighbour, so Σ cap·c changes by exactly Δt·Σ S:
 * content is conserved to round-off whatever Δt.
 */
import { PhysicsError } from '../errors.js';
import type { Grid2D } from '../mesh/grid.js';
import { solveTridiagonalInPlace } from '../solvers/tridiagonal.js';

const solveTridiagonal = solveTridiagonalInPlace;

export class ScalarTransport2D {
  readonly grid: Grid2D;
  /** The transported field. */
  readonly c: Float64Array;
  /** Content per unit of c per cell. */
  readonly cap: Float64Array;
  /** Diffusive conductance of the face between cell k and k+1 (x) / k+nx (y). */
  readonly gx: Float64Array;
  readonly gy: Float64Array;
  /** Advective flow through the same faces, positive towards +x / +y (content per unit c per second). */
  readonly fx: Float64Array;
  readonly fy: Float64Array;
  /** Source, content per second per cell. */
  readonly source: Float64Array;
  theta = 1;
  private readonly resid: Float64Array;
  private readonly delta: Float64Array;
  private readonly la: Float64Array;
  private readonly lb: Float64Array;
  private readonly lc: Float64Array;
  private readonly ld: Float64Array;
  private readonly lcp: Float64Array;

  constructor(grid: Grid2D) {
    const n = grid.size;
    if (!(n >= 1)) throw new PhysicsError('ERR-PHYS-GRID', 'grid', 'transport grid has no cells');
    this.grid = grid;
    this.c = new Float64Array(n);
    this.cap = new Float64Array(n);
    this.gx = new Float64Array(n);
    this.gy = new Float64Array(n);
    this.fx = new Float64Array(n);
    this.fy = new Float64Array(n);
    this.source = new Float64Array(n);
    this.resid = new Float64Array(n);
    this.delta = new Float64Array(n);
    const m = Math.max(grid.nx, grid.ny);
    this.la = new Float64Array(m);
    this.lb = new Float64Array(m);
    this.lc = new Float64Array(m);
    this.ld = new Float64Array(m);
    this.lcp = new Float64Array(m);
  }

  /** Total content Σ cap·c. */
  content(): number {
    let s = 0;
    for (let k = 0; k < this.c.length; k++) s += this.cap[k]! * this.c[k]!;
    return s;
  }

  private residual(): void {
    const { nx, ny } = this.grid;
    const c = this.c;
    const r = this.resid;
    for (let k = 0; k < r.length; k++) r[k] = this.source[k]!;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx - 1; i++) {
        const p = j * nx + i;
        const F = this.fx[p]!;
        const fl = this.gx[p]! * (c[p + 1]! - c[p]!) - (F > 0 ? F * c[p]! : F * c[p + 1]!);
        r[p] = r[p]! + fl;
        r[p + 1] = r[p + 1]! - fl;
      }
    }
    for (let p = 0; p < nx * (ny - 1); p++) {
      const F = this.fy[p]!;
      const fl = this.gy[p]! * (c[p + nx]! - c[p]!) - (F > 0 ? F * c[p]! : F * c[p + nx]!);
      r[p] = r[p]! + fl;
      r[p + nx] = r[p + nx]! - fl;
    }
  }

  /** One implicit step; the source is held constant over the step. */
  step(dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt))
      throw new PhysicsError('ERR-PHYS-RANGE', 'timeStepS', `time step must be finite and > 0, got ${dt}`, dt);
    const { nx, ny } = this.grid;
    const th = this.theta;
    const { la, lb, lc, ld, lcp, delta } = this;
    this.residual();
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        let diag = this.cap[p]! / dt;
        la[i] = 0;
        lc[i] = 0;
        if (i > 0) {
          const g = this.gx[p - 1]!;
          const F = this.fx[p - 1]!; // face west of p, flow towards +x
          diag += th * (g - Math.min(F, 0));
          la[i] = -th * (g + Math.max(F, 0));
        }
        if (i < nx - 1) {
          const g = this.gx[p]!;
          const F = this.fx[p]!;
          diag += th * (g + Math.max(F, 0));
          lc[i] = -th * (g - Math.min(F, 0));
        }
        lb[i] = diag;
        ld[i] = this.resid[p]!;
      }
      solveTridiagonal(la, lb, lc, ld, nx, lcp);
      for (let i = 0; i < nx; i++) delta[row + i] = ld[i]!;
    }
    if (ny > 1) {
      for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny; j++) {
          const p = j * nx + i;
          const c0 = this.cap[p]! / dt;
          let diag = c0;
          la[j] = 0;
          lc[j] = 0;
          if (j > 0) {
            const g = this.gy[p - nx]!;
            const F = this.fy[p - nx]!;
            diag += th * (g - Math.min(F, 0));
            la[j] = -th * (g + Math.max(F, 0));
          }
          if (j < ny - 1) {
            const g = this.gy[p]!;
            const F = this.fy[p]!;
            diag += th * (g + Math.max(F, 0));
            lc[j] = -th * (g - Math.min(F, 0));
          }
          lb[j] = diag;
          ld[j] = c0 * delta[p]!;
        }
        solveTridiagonal(la, lb, lc, ld, ny, lcp);
        for (let j = 0; j < ny; j++) delta[j * nx + i] = ld[j]!;
      }
    }
    for (let k = 0; k < this.c.length; k++) this.c[k] = this.c[k]! + delta[k]!;
  }
}
