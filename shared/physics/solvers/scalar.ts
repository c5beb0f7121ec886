/**
 * Scalar root finding: Brent's method (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4) on a
 * sign-changing bracket. Throws PhysicsError ERR-PHYS-CONVERGENCE when the bracket does not change sign.
 */
import { PhysicsError } from '../errors.js';

export interface RootResult {
  x: number;
  fx: number;
  iterations: number;
}

export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  tolX = 1e-10,
  maxIter = 200,
  quantity = 'root',
): RootResult {
  let fa = f(a);
  let fb = f(b);
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) {
    throw new PhysicsError('ERR-PHYS-NONFINITE', quantity, `function not finite at the bracket [${a}, ${b}]`);
  }
  if (fa === 0) return { x: a, fx: 0, iterations: 0 };
  if (fb === 0) return { x: b, fx: 0, iterations: 0 };
  if (fa * fb > 0) {
    throw new PhysicsError('ERR-PHYS-CONVERGENCE', quantity, `no sign change on [${a}, ${b}] (f = ${fa}, ${fb})`);
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 1; it <= maxIter; it++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tolX;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return { x: b, fx: fb, iterations: it };
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
    if (!Number.isFinite(fb)) throw new PhysicsError('ERR-PHYS-NONFINITE', quantity, `function not finite at ${b}`);
  }
  throw new PhysicsError('ERR-PHYS-CONVERGENCE', quantity, `Brent did not converge in ${maxIter} iterations`);
}
