/**
 * Bounded Levenberg–Marquardt least squares (Levenberg 1944; Marquardt 1963; Moré 1978 scaling): minimises
 * ½‖r(p)‖² with box bounds handled by projection of every trial step onto [lower, upper]. The Jacobian is by forward
 * differences. Parameter uncertainty: covariance s²·(JᵀJ)⁻¹ at the solution, s² = ‖r‖²/(m − n).
 */
import { PhysicsError } from '../errors.js';

export interface LmOptions {
  lower?: number[];
  upper?: number[];
  maxIterations?: number;
  /** Stop when the relative cost decrease and the relative step are both below this. */
  tolerance?: number;
  /** Relative finite-difference step. */
  fdStep?: number;
}

export interface LmResult {
  parameters: number[];
  residuals: number[];
  cost: number;
  iterations: number;
  converged: boolean;
  /** s²·(JᵀJ)⁻¹ (null when JᵀJ is singular or m ≤ n). */
  covariance: number[][] | null;
  standardErrors: (number | null)[];
}

/** Solves A x = b (A symmetric positive definite, small) by Cholesky; returns null if A is not SPD. */
export function choleskySolve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

function invertSpd(A: number[][]): number[][] | null {
  const n = A.length;
  const inv: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = choleskySolve(A, e);
    if (!col) return null;
    inv.push(col);
  }
  return inv; // symmetric, so columns = rows
}

export function levenbergMarquardt(
  residualFn: (p: number[]) => number[],
  p0: number[],
  opts: LmOptions = {},
): LmResult {
  const n = p0.length;
  const lower = opts.lower ?? p0.map(() => -Infinity);
  const upper = opts.upper ?? p0.map(() => Infinity);
  const tol = opts.tolerance ?? 1e-10;
  const maxIt = opts.maxIterations ?? 200;
  const h = opts.fdStep ?? 1e-6;
  const clamp = (p: number[]) => p.map((v, i) => Math.min(Math.max(v, lower[i]!), upper[i]!));
  const evalR = (p: number[]) => {
    const r = residualFn(p);
    if (r.some((v) => !Number.isFinite(v)))
      throw new PhysicsError('ERR-PHYS-NONFINITE', 'residuals', 'a residual is not finite');
    return r;
  };
  const costOf = (r: number[]) => 0.5 * r.reduce((s, v) => s + v * v, 0);
  let p = clamp(p0.slice());
  let r = evalR(p);
  const m = r.length;
  if (m === 0) throw new PhysicsError('ERR-PHYS-DATA', 'residuals', 'no data to fit');
  let cost = costOf(r);
  let lambda = 1e-3;
  let converged = false;
  let iterations = 0;
  const jacobian = (p: number[], r: number[]): number[][] => {
    const J: number[][] = Array.from({ length: m }, () => new Array<number>(n).fill(0));
    for (let j = 0; j < n; j++) {
      const step = h * Math.max(Math.abs(p[j]!), 1e-8);
      const q = p.slice();
      // step towards the interior when at the upper bound
      const dir = q[j]! + step > upper[j]! ? -1 : 1;
      q[j] = q[j]! + dir * step;
      const rq = evalR(q);
      for (let i = 0; i < m; i++) J[i]![j] = (rq[i]! - r[i]!) / (dir * step);
    }
    return J;
  };
  let J = jacobian(p, r);
  for (let it = 1; it <= maxIt; it++) {
    iterations = it;
    const JtJ: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const Jtr = new Array<number>(n).fill(0);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < n; a++) {
        Jtr[a] = Jtr[a]! + J[i]![a]! * r[i]!;
        for (let b = 0; b <= a; b++) JtJ[a]![b] = JtJ[a]![b]! + J[i]![a]! * J[i]![b]!;
      }
    }
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) JtJ[a]![b] = JtJ[b]![a]!;
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const A = JtJ.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-30) : v)));
      const delta = choleskySolve(
        A,
        Jtr.map((v) => -v),
      );
      if (!delta) {
        lambda *= 10;
        continue;
      }
      const pNew = clamp(p.map((v, i) => v + delta[i]!));
      const rNew = evalR(pNew);
      const cNew = costOf(rNew);
      if (cNew < cost) {
        const relDrop = (cost - cNew) / Math.max(cost, 1e-300);
        const relStep = Math.max(...pNew.map((v, i) => Math.abs(v - p[i]!) / Math.max(Math.abs(p[i]!), 1e-12)));
        p = pNew;
        r = rNew;
        cost = cNew;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (relDrop < tol && relStep < Math.sqrt(tol)) converged = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved) {
      converged = true; // no descent direction left: at a (bounded) minimum
      break;
    }
    if (converged) break;
    J = jacobian(p, r);
  }
  J = jacobian(p, r);
  const JtJ: number[][] = Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => J.reduce((s, row) => s + row[a]! * row[b]!, 0)),
  );
  const dof = m - n;
  const inv = dof > 0 ? invertSpd(JtJ) : null;
  const s2 = dof > 0 ? (2 * cost) / dof : NaN;
  const covariance = inv ? inv.map((row) => row.map((v) => v * s2)) : null;
  return {
    parameters: p,
    residuals: r,
    cost,
    iterations,
    converged,
    covariance,
    standardErrors: covariance ? covariance.map((row, i) => Math.sqrt(Math.max(row[i]!, 0))) : p.map(() => null),
  };
}
