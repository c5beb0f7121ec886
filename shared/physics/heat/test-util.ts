/** Helpers shared by the verification tests (not exported from the library). */
import type { Material } from './materials.js';

export function solid(name: string, k: number, rho: number, cp: number): Material {
  return { name, conductivityWPerMK: k, densityKgM3: rho, specificHeatJPerKgK: cp };
}

/** erf by Abramowitz & Stegun 7.1.26 is too coarse for verification; use a series/continued fraction (|ε| < 1e-14). */
export function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  if (a < 2.5) {
    // Maclaurin series: erf x = 2/√π Σ (−1)^n x^(2n+1)/(n!(2n+1))
    let sum = 0;
    let term = a;
    for (let n = 0; n < 200; n++) {
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
      term *= (-a * a) / (n + 1);
    }
    return (s * 2 * sum) / Math.sqrt(Math.PI);
  }
  // continued fraction for erfc (Lentz)
  const x2 = a * a;
  let f = a;
  let C = a;
  let D = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    D = a + an * D;
    D = 1 / D;
    C = a + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-x2) / (f * Math.sqrt(Math.PI));
  return s * (1 - erfc);
}

export function erfc(x: number): number {
  return 1 - erf(x);
}
