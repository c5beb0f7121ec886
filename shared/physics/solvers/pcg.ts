/**
 * Preconditioned conjugate gradients for the symmetric positive-definite 5-point matrices of 2D finite-volume
 * diffusion (Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed., alg. 9.1), preconditioned by the
 * incomplete Cholesky factorisation IC(0) (Meijerink & van der Vorst 1977).
 *
 * Matrix layout on an nx × ny grid (cell k = j·nx + i): A_kk = diag[k]; A_{k,k+1} = −gx[k] (i < nx−1);
 * A_{k,k+nx} = −gy[k] (j < ny−1); symmetric. gx and gy are non-negative conductances.
 */
import { PhysicsError } from '../errors.js';

export interface FivePointMatrix {
  nx: number;
  ny: number;
  diag: Float64Array;
  gx: Float64Array;
  gy: Float64Array;
}

export interface PcgResult {
  iterations: number;
  /** Final relative residual ‖b − Ax‖/‖b‖. */
  relativeResidual: number;
}

export function multiplyFivePoint(m: FivePointMatrix, x: Float64Array, out: Float64Array): void {
  const { nx, ny, diag, gx, gy } = m;
  const n = nx * ny;
  for (let k = 0; k < n; k++) out[k] = diag[k]! * x[k]!;
  // x couplings, row by row (gx[k] couples k and k+1 within a row)
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let k = row; k < row + nx - 1; k++) {
      const g = gx[k]!;
      out[k] = out[k]! - g * x[k + 1]!;
      out[k + 1] = out[k + 1]! - g * x[k]!;
    }
  }
  for (let k = 0; k < n - nx; k++) {
    const g = gy[k]!;
    out[k] = out[k]! - g * x[k + nx]!;
    out[k + nx] = out[k + nx]! - g * x[k]!;
  }
}

/** IC(0) pivots of a five-point matrix. */
export function incompleteCholesky(m: FivePointMatrix, d: Float64Array): void {
  const { nx, ny, diag, gx, gy } = m;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      let v = diag[k]!;
      if (i > 0) v -= (gx[k - 1]! * gx[k - 1]!) / d[k - 1]!;
      if (j > 0) v -= (gy[k - nx]! * gy[k - nx]!) / d[k - nx]!;
      if (!(v > 0)) v = diag[k]!; // breakdown guard (cannot happen for M-matrices): fall back to Jacobi for this pivot
      d[k] = v;
    }
  }
}

function applyIc(m: FivePointMatrix, d: Float64Array, r: Float64Array, z: Float64Array): void {
  const { nx, ny, gx, gy } = m;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let i = 0; i < nx; i++) {
      const k = row + i;
      let s = r[k]!;
      if (i > 0) s += gx[k - 1]! * z[k - 1]!;
      if (j > 0) s += gy[k - nx]! * z[k - nx]!;
      z[k] = s / d[k]!;
    }
  }
  for (let j = ny - 1; j >= 0; j--) {
    const row = j * nx;
    for (let i = nx - 1; i >= 0; i--) {
      const k = row + i;
      let s = 0;
      if (i < nx - 1) s += gx[k]! * z[k + 1]!;
      if (j < ny - 1) s += gy[k]! * z[k + nx]!;
      z[k] = z[k]! + s / d[k]!;
    }
  }
}

/** Solves A x = b in place (x holds the initial guess). Throws ERR-PHYS-CONVERGENCE if the tolerance is not reached. */
export function pcgSolve(
  m: FivePointMatrix,
  b: Float64Array,
  x: Float64Array,
  relTol = 1e-10,
  maxIter = 5000,
): PcgResult {
  const n = m.nx * m.ny;
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  const d = new Float64Array(n);
  incompleteCholesky(m, d);
  multiplyFivePoint(m, x, q);
  let bnorm = 0;
  for (let k = 0; k < n; k++) {
    r[k] = b[k]! - q[k]!;
    bnorm += b[k]! * b[k]!;
  }
  bnorm = Math.sqrt(bnorm) || 1;
  applyIc(m, d, r, z);
  p.set(z);
  let rz = 0;
  for (let k = 0; k < n; k++) rz += r[k]! * z[k]!;
  let rel = Infinity;
  for (let it = 0; it <= maxIter; it++) {
    let rr = 0;
    for (let k = 0; k < n; k++) rr += r[k]! * r[k]!;
    rel = Math.sqrt(rr) / bnorm;
    if (!Number.isFinite(rel))
      throw new PhysicsError('ERR-PHYS-NONFINITE', 'pcgResidual', 'PCG residual is not finite');
    if (rel <= relTol) return { iterations: it, relativeResidual: rel };
    multiplyFivePoint(m, p, q);
    let pq = 0;
    for (let k = 0; k < n; k++) pq += p[k]! * q[k]!;
    const alpha = rz / pq;
    for (let k = 0; k < n; k++) {
      x[k] = x[k]! + alpha * p[k]!;
      r[k] = r[k]! - alpha * q[k]!;
    }
    applyIc(m, d, r, z);
    let rzNew = 0;
    for (let k = 0; k < n; k++) rzNew += r[k]! * z[k]!;
    const beta = rzNew / rz;
    rz = rzNew;
    for (let k = 0; k < n; k++) p[k] = z[k]! + beta * p[k]!;
  }
  throw new PhysicsError(
    'ERR-PHYS-CONVERGENCE',
    'pcgResidual',
    `PCG did not reach ${relTol} in ${maxIter} iterations (relative residual ${rel})`,
    rel,
  );
}
