/**
 * A potline is several lines on their own rectifiers: they share nothing the optimiser moves, so each line is
 * optimised on its own and the potline totals are summed.
 */
import { inputError } from './errors.js';
import { optimizeLine, type OptimizeOptions } from './optimize-line.js';
import { kpi, type Kpi, type Recommendation } from './recommendation.js';
import { PotlineProblem, UserConstraintsFile, type UserConstraint } from './schema.js';

export interface PotlineRecommendation {
  potlineId: string;
  lines: Recommendation[];
  summary: { secKWhPerKg: Kpi; productionKgPerDay: Kpi; energyMWhPerDay: Kpi; linesInfeasible: string[] };
}

/** Optimises every line of a potline (in order, deterministic) and sums the line figures. */
export async function optimizePotline(input: unknown, options: OptimizeOptions = {}): Promise<PotlineRecommendation> {
  const parsed = PotlineProblem.safeParse(input);
  if (!parsed.success) throw inputError('problem', parsed.error);
  const lines: Recommendation[] = [];
  for (const line of parsed.data.lines) lines.push(await optimizeLine(line, options));
  const sum = (f: (r: Recommendation) => number) => lines.reduce((s, r) => s + f(r), 0);
  const energyBefore = sum((r) => r.energyMWhPerDay.before);
  const energyAfter = sum((r) => r.energyMWhPerDay.after);
  const prodBefore = sum((r) => r.productionKgPerDay.before);
  const prodAfter = sum((r) => r.productionKgPerDay.after);
  return {
    potlineId: parsed.data.potlineId,
    lines,
    summary: {
      secKWhPerKg: kpi((energyBefore * 1000) / prodBefore, (energyAfter * 1000) / prodAfter, 'kWh/kg Al'),
      productionKgPerDay: kpi(prodBefore, prodAfter, 'kg Al/day'),
      energyMWhPerDay: kpi(energyBefore, energyAfter, 'MWh/day'),
      linesInfeasible: lines.filter((r) => r.status === 'infeasible').map((r) => r.lineId),
    },
  };
}

/** Parses a user-constraints file (see UserConstraint in schema.ts); throws ERR-OPT-INPUT naming the field. */
export function parseUserConstraints(input: unknown): UserConstraint[] {
  const parsed = UserConstraintsFile.safeParse(input);
  if (!parsed.success) throw inputError('userConstraints', parsed.error);
  return parsed.data.constraints;
}
