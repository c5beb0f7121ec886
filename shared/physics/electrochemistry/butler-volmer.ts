/**
 * The general Butler–Volmer law (PHYSICS.md §Cell voltage breakdown):
 *   i = i₀·[exp(α_a·F·η/(R·T)) − exp(−α_c·F·η/(R·T))]
 * extended with mass-transfer (concentration) limits in the standard way (Bard & Faulkner, Electrochemical Methods,
 * 2nd ed., eq. 3.4.10): surface concentrations C(0)/C* = 1 − i/i_L, so
 *   i = i₀·[(1 − i/i_La)·e_a − (1 + i/i_Lc)·e_c]  ⇒  i = i₀(e_a − e_c) / (1 + i₀·e_a/i_La + i₀·e_c/i_Lc),
 * with e_a = exp(α_a·F·η/(R·T)), e_c = exp(−α_c·F·η/(R·T)), i_La > 0 the anodic and i_Lc > 0 the (magnitude of the)
 * cathodic limiting current density. Anodic current and overpotential are positive. Without limits (∞) this is
 * the plain law; the Tafel form η = (R·T/(α_a·F))·ln(i/i₀) is its high-overpotential anodic limit.
 *
 * η(i) is solved by safeguarded Newton inside an expanding bracket (falls back to bisection when a Newton step
 * leaves the bracket or stalls), so it always converges for any i strictly between −i_Lc and i_La.
 */
import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from '../constants.js';
import { checkPositive, PhysicsError } from '../errors.js';

export interface ButlerVolmerParams {
  /** Exchange current density i₀, A/cm². */
  exchangeCurrentDensityAcm2: number;
  /** Anodic transfer coefficient α_a (includes the number of electrons of the rate-determining step), -. */
  alphaAnodic: number;
  /** Cathodic transfer coefficient α_c, -. */
  alphaCathodic: number;
  /** Temperature, K. */
  temperatureK: number;
  /** Anodic limiting current density i_La, A/cm² (> 0); default ∞ (no limit). */
  anodicLimitAcm2?: number;
  /** Magnitude of the cathodic limiting current density i_Lc, A/cm² (> 0); default ∞ (no limit). */
  cathodicLimitAcm2?: number;
}

interface Prepared {
  i0: number;
  aa: number;
  ac: number;
  /** F/(R·T), 1/V. */
  f: number;
  /** i₀/i_La and i₀/i_Lc (0 when unlimited). */
  ra: number;
  rc: number;
  iLa: number;
  iLc: number;
}

function prepare(p: ButlerVolmerParams): Prepared {
  const i0 = checkPositive('exchangeCurrentDensityAcm2', p.exchangeCurrentDensityAcm2);
  const aa = checkPositive('alphaAnodic', p.alphaAnodic);
  const ac = checkPositive('alphaCathodic', p.alphaCathodic);
  const tK = checkPositive('temperatureK', p.temperatureK);
  const iLa = p.anodicLimitAcm2 ?? Infinity;
  const iLc = p.cathodicLimitAcm2 ?? Infinity;
  if (!(iLa > 0))
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'anodicLimitAcm2',
      `anodic limiting current density must be > 0, got ${iLa}`,
      iLa,
    );
  if (!(iLc > 0))
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'cathodicLimitAcm2',
      `cathodic limiting current density must be > 0, got ${iLc}`,
      iLc,
    );
  return { i0, aa, ac, f: FARADAY_C_PER_MOL / (GAS_CONSTANT_J_PER_MOL_K * tK), ra: i0 / iLa, rc: i0 / iLc, iLa, iLc };
}

/**
 * Current density and its derivative at overpotential η, evaluated without overflow: the numerator and denominator
 * are scaled by the dominant exponential. Returns [i, di/dη].
 */
function evaluate(q: Prepared, etaV: number): [number, number] {
  const u = q.f * etaV;
  // scale s = exp(−m) with m = the larger exponent, so that every scaled exponential is ≤ 1
  const xa = q.aa * u;
  const xc = -q.ac * u;
  const m = Math.max(xa, xc, 0);
  const ea = Math.exp(xa - m);
  const ec = Math.exp(xc - m);
  const s = Math.exp(-m);
  const num = q.i0 * (ea - ec);
  const den = s + q.ra * ea + q.rc * ec;
  const dnum = q.i0 * q.f * (q.aa * ea + q.ac * ec);
  const dden = q.f * (q.aa * q.ra * ea - q.ac * q.rc * ec);
  const i = num / den;
  const di = (dnum * den - num * dden) / (den * den);
  return [i, di];
}

/** Current density i(η), A/cm², of the Butler–Volmer law with optional concentration limits. */
export function butlerVolmerCurrentDensityAcm2(p: ButlerVolmerParams, overpotentialV: number): number {
  if (!Number.isFinite(overpotentialV)) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'overpotentialV',
      `overpotential must be finite, got ${String(overpotentialV)}`,
      overpotentialV,
    );
  }
  const [i] = evaluate(prepare(p), overpotentialV);
  if (!Number.isFinite(i)) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'overpotentialV',
      `overpotential ${overpotentialV} V overflows the unlimited Butler–Volmer law`,
      overpotentialV,
    );
  }
  return i;
}

export interface OverpotentialSolution {
  overpotentialV: number;
  iterations: number;
  /** 'newton' when every accepted step was a Newton step, 'bracketed' when the bisection fallback was used. */
  method: 'newton' | 'bracketed';
  residualAcm2: number;
}

/**
 * Overpotential η, V, that drives current density i (A/cm², anodic > 0) through the Butler–Volmer law.
 * Throws ERR-PHYS-LIMIT when |i| is at or beyond the concentration limit of its branch.
 */
export function solveButlerVolmerOverpotential(
  p: ButlerVolmerParams,
  currentDensityAcm2: number,
): OverpotentialSolution {
  const q = prepare(p);
  const target = currentDensityAcm2;
  if (!Number.isFinite(target)) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'currentDensityAcm2',
      `current density must be finite, got ${String(target)}`,
      target,
    );
  }
  if (target >= q.iLa || target <= -q.iLc) {
    const limit = target > 0 ? q.iLa : -q.iLc;
    throw new PhysicsError(
      'ERR-PHYS-LIMIT',
      'currentDensityAcm2',
      `current density ${target} A/cm² is at or beyond the limiting current density ${limit} A/cm²`,
      target,
    );
  }
  if (target === 0) return { overpotentialV: 0, iterations: 0, method: 'newton', residualAcm2: 0 };

  // Initial guess: linear (low-field) or Tafel (high-field) asymptote of the unlimited law.
  const ratio = Math.abs(target) / q.i0;
  let eta =
    ratio < 1
      ? target / (q.i0 * q.f * (q.aa + q.ac))
      : target > 0
        ? Math.log(ratio) / (q.aa * q.f)
        : -Math.log(ratio) / (q.ac * q.f);

  // Bracket: g(η) = i(η) − target is strictly increasing. Expand from the guess until the sign changes.
  const g = (e: number): number => evaluate(q, e)[0] - target;
  let lo = eta;
  let hi = eta;
  let step = Math.max(Math.abs(eta), 1 / q.f) * 0.5;
  let guard = 0;
  while (g(lo) > 0) {
    lo -= step;
    step *= 2;
    if (++guard > 200)
      throw new PhysicsError('ERR-PHYS-CONVERGENCE', 'overpotentialV', 'could not bracket the Butler–Volmer root');
  }
  step = Math.max(Math.abs(eta), 1 / q.f) * 0.5;
  while (g(hi) < 0) {
    hi += step;
    step *= 2;
    if (++guard > 400)
      throw new PhysicsError('ERR-PHYS-CONVERGENCE', 'overpotentialV', 'could not bracket the Butler–Volmer root');
  }

  let method: OverpotentialSolution['method'] = 'newton';
  const tolI = 1e-13 * Math.max(Math.abs(target), q.i0);
  for (let it = 1; it <= 200; it++) {
    const [i, di] = evaluate(q, eta);
    const r = i - target;
    if (Math.abs(r) <= tolI) return { overpotentialV: eta, iterations: it, method, residualAcm2: r };
    if (r < 0) lo = eta;
    else hi = eta;
    let next = eta - r / di;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = 0.5 * (lo + hi);
      method = 'bracketed';
    }
    if (Math.abs(next - eta) <= 1e-15 * Math.max(1, Math.abs(eta)) || hi - lo <= 1e-15 * Math.max(1, Math.abs(eta))) {
      const rr = evaluate(q, next)[0] - target;
      return { overpotentialV: next, iterations: it, method, residualAcm2: rr };
    }
    eta = next;
  }
  throw new PhysicsError(
    'ERR-PHYS-CONVERGENCE',
    'overpotentialV',
    `Butler–Volmer inversion did not converge for i = ${target} A/cm²`,
    target,
  );
}

/** Overpotential η, V, for current density i, A/cm² (see solveButlerVolmerOverpotential). */
export function butlerVolmerOverpotentialV(p: ButlerVolmerParams, currentDensityAcm2: number): number {
  return solveButlerVolmerOverpotential(p, currentDensityAcm2).overpotentialV;
}

/**
 * Tafel (high-overpotential, anodic) limit: η = (R·T/(α_a·F))·ln(i/i₀), V. Haupin's anode surface overvoltage
 * η_sa = (T_K/12533)·ln(i/i₀) is this form with α_a = 12533·R/F ≈ 1.080.
 */
export function tafelOverpotentialV(
  currentDensityAcm2: number,
  exchangeCurrentDensityAcm2: number,
  alphaAnodic: number,
  temperatureK: number,
): number {
  checkPositive('currentDensityAcm2', currentDensityAcm2);
  checkPositive('exchangeCurrentDensityAcm2', exchangeCurrentDensityAcm2);
  checkPositive('alphaAnodic', alphaAnodic);
  checkPositive('temperatureK', temperatureK);
  return (
    ((GAS_CONSTANT_J_PER_MOL_K * temperatureK) / (alphaAnodic * FARADAY_C_PER_MOL)) *
    Math.log(currentDensityAcm2 / exchangeCurrentDensityAcm2)
  );
}

/** Haupin's anode transfer coefficient equivalent: α_a such that R·T/(α_a·F) = T/12533. */
export const HAUPIN_ANODE_ALPHA = (12533 * GAS_CONSTANT_J_PER_MOL_K) / FARADAY_C_PER_MOL;
