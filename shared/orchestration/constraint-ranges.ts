/**
 * User constraints judged against the plant before they are stored: a constraint the line can never meet (min above
 * max, 500 kA on a 140 kA rectifier, an ACD the cells are not rated for) would otherwise make every run of the line
 * infeasible until someone noticed. Each bound must lie in the variable's range on that line: the optimiser's window
 * within the equipment's rating (what a run may move the variable to at all).
 */
import type { UserConstraint } from '../optimize/schema.js';
import type { PlantLine } from '../plant/schema.js';

/** A constraint field the line cannot take, relative to the constraint list (`3.max`), and why in words. */
export interface ConstraintRangeIssue {
  path: string;
  issue: string;
}

interface Range {
  lo: number;
  hi: number;
  unit: string;
  why: string;
}

/** The range each variable may be bounded within on `line`. */
export function constraintRanges(line: PlantLine): Record<UserConstraint['variable'], Range> {
  const { optimiser: w, envelope, rectifier } = line;
  const acd = envelope.fields.acdCm;
  const current = envelope.fields.lineCurrentKA;
  return {
    acdCm: {
      lo: Math.max(w.acdCm.min, acd.min),
      hi: Math.min(w.acdCm.max, acd.max),
      unit: 'cm',
      why: `the optimiser window ${w.acdCm.min}–${w.acdCm.max} cm within the cells' rating ${acd.min}–${acd.max} cm`,
    },
    aluminaTargetPct: {
      lo: w.aluminaPct.min,
      hi: w.aluminaPct.max,
      unit: 'wt %',
      why: "the line's alumina window",
    },
    alf3TargetPct: { lo: w.alf3Pct.min, hi: w.alf3Pct.max, unit: 'wt %', why: "the line's AlF3 window" },
    lineCurrentKA: {
      lo: Math.max(rectifier.minCurrentKA, current.min),
      hi: Math.min(rectifier.maxCurrentKA, current.max),
      unit: 'kA',
      why: `the rectifier's rating ${rectifier.minCurrentKA}–${rectifier.maxCurrentKA} kA within the safety envelope's ${current.min}–${current.max} kA`,
    },
  };
}

/** Every bound of `constraints` the line cannot meet: min above max, or a bound outside the variable's range. */
export function constraintRangeIssues(constraints: readonly UserConstraint[], line: PlantLine): ConstraintRangeIssue[] {
  const ranges = constraintRanges(line);
  const out: ConstraintRangeIssue[] = [];
  constraints.forEach((c, i) => {
    if (c.min !== undefined && c.max !== undefined && c.min > c.max)
      out.push({ path: `${i}.min`, issue: `min ${c.min} is above max ${c.max}: no value meets both` });
    const r = ranges[c.variable];
    for (const bound of ['min', 'max'] as const) {
      const v = c[bound];
      if (v === undefined || (v >= r.lo && v <= r.hi)) continue;
      out.push({
        path: `${i}.${bound}`,
        issue: `${c.variable} ${bound} ${v} ${r.unit} is outside line ${line.lineId}'s range ${r.lo}–${r.hi} ${r.unit} (${r.why})`,
      });
    }
  });
  return out;
}
