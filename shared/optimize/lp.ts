/**
 * A sparse LP in the shape the trust-region subproblem needs, written as CPLEX LP text and solved by HiGHS
 * (WebAssembly build of the HiGHS solver; Huangfu & Hall 2018). One module-level solver instance is loaded
 * lazily and reused: each solve() builds a fresh native model, so calls never share state.
 */
import * as highsModule from 'highs';
import { OptimizeError } from './errors.js';

export interface LpRow {
  /** Sparse coefficients over the LP's columns. */
  columns: number[];
  coefficients: number[];
  /** Row is Σ a·x ≤ upper. */
  upper: number;
}

export interface Lp {
  /** Objective coefficient per column (minimised). */
  cost: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  rows: LpRow[];
}

export interface LpSolution {
  status: string;
  x: Float64Array;
  objective: number;
}

type Highs = highsModule.Highs;
type HighsLoader = () => Promise<Highs>;
// TypeScript reads the CommonJS-shaped types as a doubly wrapped default; at run time (ESM build) it is single.
const highsLoader: HighsLoader =
  typeof highsModule.default === 'function'
    ? (highsModule.default as unknown as HighsLoader)
    : highsModule.default.default;
let highsPromise: Promise<Highs> | undefined;

/** The shared HiGHS instance (loaded once). */
export function loadHighs(): Promise<Highs> {
  highsPromise ??= highsLoader();
  return highsPromise;
}

/** Formats a coefficient so the LP reader gets full precision and no locale or exotic notation. */
function num(v: number): string {
  if (!Number.isFinite(v)) throw new OptimizeError('ERR-OPT-SOLVER', 'lp', `non-finite LP coefficient ${v}`);
  return Math.abs(v) < 1e-300 ? '0' : v.toPrecision(15).replace(/\.?0+(e|$)/, '$1');
}

function term(coefficient: number, j: number, first: boolean): string {
  const sign = coefficient < 0 ? '-' : '+';
  return `${first && sign === '+' ? '' : `${sign} `}${num(Math.abs(coefficient))} x${j}`;
}

/** CPLEX LP text for the model (columns x0…, rows r0…). */
export function toLpText(lp: Lp): string {
  const out: string[] = ['Minimize', ' obj:'];
  const objTerms: string[] = [];
  lp.cost.forEach((c, j) => {
    if (c !== 0) objTerms.push(term(c, j, objTerms.length === 0));
  });
  // An all-zero objective still needs a term for the reader.
  out.push(`  ${objTerms.length > 0 ? objTerms.join(' ') : '0 x0'}`);
  out.push('Subject To');
  lp.rows.forEach((row, r) => {
    const terms: string[] = [];
    row.columns.forEach((j, k) => {
      const a = row.coefficients[k]!;
      if (a !== 0) terms.push(term(a, j, terms.length === 0));
    });
    if (terms.length === 0) return;
    out.push(` r${r}: ${terms.join(' ')} <= ${num(row.upper)}`);
  });
  out.push('Bounds');
  lp.lower.forEach((lo, j) => {
    const hi = lp.upper[j]!;
    out.push(` ${lo === -Infinity ? '-inf' : num(lo)} <= x${j} <= ${hi === Infinity ? '+inf' : num(hi)}`);
  });
  out.push('End');
  return out.join('\n');
}

/** Solves the LP; status is HiGHS's model status text ('Optimal', 'Infeasible', …). */
export async function solveLp(lp: Lp): Promise<LpSolution> {
  const highs = await loadHighs();
  const result = highs.solve(toLpText(lp), { output_flag: false });
  const x = new Float64Array(lp.cost.length);
  if (result.Status === 'Optimal') {
    const cols = result.Columns as Record<string, { Primal: number }>;
    for (let j = 0; j < x.length; j++) x[j] = cols[`x${j}`]?.Primal ?? 0;
  }
  return { status: result.Status, x, objective: result.Status === 'Optimal' ? result.ObjectiveValue : Number.NaN };
}
