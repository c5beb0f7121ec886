import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../physics/errors.js';
import { checkProposal, type UncheckedProposal } from './check.js';
import { buildLineModel, constraintValues, evaluateLine, VARS_PER_CELL } from './line-model.js';
import { optimizeLine } from './optimize-line.js';
import type { CheckedSetPoints, Recommendation } from './recommendation.js';
import { LineProblem, type LineProblemInput } from './schema.js';
import { baseCellDesign, baseCellOperation } from './default-potline.js';

// The documented base cell (PHYSICS.md), the reference case these tests are written against.
const baseState = { acdCm: 2.9, bathTempC: 963, aluminaPct: 2.5, alf3Pct: 12, ...baseCellOperation() };
const design = baseCellDesign();

function oneCellProblem(overrides: Partial<LineProblemInput> = {}): LineProblemInput {
  return {
    lineId: 'T1',
    lineCurrentKA: 126,
    rectifier: { minCurrentKA: 110, maxCurrentKA: 132, maxVoltageV: 10 },
    cells: [{ cellId: 'T1-C001', state: baseState, design }],
    constraints: { maxStep: { acdCm: 0.3, aluminaPct: 0, alf3Pct: 1, lineCurrentKA: 0 } },
    ...overrides,
  };
}

/** Independent re-evaluation: every bound, step limit, rating and constraint under the full model. */
function assertSafe(input: LineProblemInput, r: Recommendation): void {
  const problem = LineProblem.parse(input);
  const model = buildLineModel(problem);
  const c = problem.constraints;
  if (r.status === 'infeasible') {
    expect(r.setPoints.lineCurrentKA).toBe(problem.lineCurrentKA);
    r.setPoints.cells.forEach((s, j) => {
      expect(s.acdCm).toBe(problem.cells[j]!.state.acdCm);
      expect(s.alf3TargetPct).toBe(problem.cells[j]!.state.alf3Pct);
    });
    expect(r.violatedConstraints.length).toBeGreaterThan(0);
    return;
  }
  const sp = r.setPoints;
  const eps = 1e-9;
  expect(sp.lineCurrentKA).toBeLessThanOrEqual(problem.rectifier.maxCurrentKA + eps);
  expect(sp.lineCurrentKA).toBeGreaterThanOrEqual(problem.rectifier.minCurrentKA - eps);
  expect(Math.abs(sp.lineCurrentKA - problem.lineCurrentKA)).toBeLessThanOrEqual(c.maxStep.lineCurrentKA + eps);
  const x = new Float64Array(model.x0.length);
  sp.cells.forEach((s, j) => {
    const st = problem.cells[j]!.state;
    expect(Math.abs(s.acdCm - st.acdCm)).toBeLessThanOrEqual(c.maxStep.acdCm + eps);
    expect(Math.abs(s.aluminaTargetPct - st.aluminaPct)).toBeLessThanOrEqual(c.maxStep.aluminaPct + eps);
    expect(Math.abs(s.alf3TargetPct - st.alf3Pct)).toBeLessThanOrEqual(c.maxStep.alf3Pct + eps);
    x.set([s.acdCm, s.aluminaTargetPct, s.alf3TargetPct], j * VARS_PER_CELL);
  });
  x[x.length - 1] = sp.lineCurrentKA;
  const e = evaluateLine(model, x);
  expect(e.lineVoltageV).toBeLessThanOrEqual(problem.rectifier.maxVoltageV);
  for (const p of e.predictions) {
    expect(p.cellVoltageV).toBeLessThanOrEqual(c.cellVoltageMaxV);
    expect(p.anodeEffect).toBe(false);
  }
  for (const v of constraintValues(model, e)) expect(v.violation, v.spec.id).toBe(0);
}

describe('optimizeLine', () => {
  it('finds the optimum of a one-cell problem that a brute-force grid finds', async () => {
    const input = oneCellProblem();
    const r = await optimizeLine(input);
    expect(r.status).toBe('optimal');
    assertSafe(input, r);

    const model = buildLineModel(LineProblem.parse(input));
    const steps = 80;
    let best = { sec: Infinity, acd: 0, alf3: 0 };
    for (let a = 0; a <= steps; a++) {
      for (let f = 0; f <= steps; f++) {
        const acd = 2.6 + (0.6 * a) / steps;
        const alf3 = 11 + (2 * f) / steps;
        const x = Float64Array.from([acd, 2.5, alf3, 126]);
        try {
          const e = evaluateLine(model, x);
          if (e.predictions[0]!.anodeEffect || constraintValues(model, e).some((v) => v.violation > 0)) continue;
          if (e.secKWhPerKg < best.sec) best = { sec: e.secKWhPerKg, acd, alf3 };
        } catch (err) {
          if (!(err instanceof PhysicsError)) throw err;
        }
      }
    }
    expect(Number.isFinite(best.sec)).toBe(true);
    // The SLP aims a small margin inside each limit and rounds; the grid has 0.0075 cm / 0.025 wt % spacing.
    expect(Math.abs(r.secKWhPerKg.after - best.sec) / best.sec).toBeLessThan(2e-3);
    expect(Math.abs(r.setPoints.cells[0]!.acdCm - best.acd)).toBeLessThan(0.05);
    expect(Math.abs(r.setPoints.cells[0]!.alf3TargetPct - best.alf3)).toBeLessThan(0.2);
  });

  it('returns the present set points with the violated constraints named when nothing is feasible', async () => {
    const input = oneCellProblem({
      constraints: {
        superheatK: { min: 20, max: 30 },
        maxStep: { acdCm: 0.05, aluminaPct: 0, alf3Pct: 0.1, lineCurrentKA: 0 },
      },
    });
    const r = await optimizeLine(input);
    expect(r.status).toBe('infeasible');
    if (r.status !== 'infeasible') return;
    expect(r.setPoints.cells[0]!.acdCm).toBe(baseState.acdCm);
    expect(r.changes).toEqual([]);
    expect(r.violatedConstraints.map((v) => v.id)).toContain('T1-C001.superheatK.min');
    assertSafe(input, r);
  });

  it('names both sources when a user constraint and the step limit leave no value', async () => {
    const input = oneCellProblem({
      userConstraints: [{ scope: 'cell', cellId: 'T1-C001', variable: 'acdCm', min: 3.5 }],
    });
    const r = await optimizeLine(input);
    expect(r.status).toBe('infeasible');
    if (r.status !== 'infeasible') return;
    expect(r.violatedConstraints[0]!.id).toBe('T1-C001.acdCm');
    expect(r.violatedConstraints[0]!.message).toContain('user constraint');
  });

  it('keeps a cell in manual exactly where it is', async () => {
    const input = oneCellProblem({ cells: [{ cellId: 'T1-C001', manual: true, state: baseState, design }] });
    const r = await optimizeLine(input);
    expect(r.status).toBe('unchanged');
    expect(r.setPoints.cells[0]).toMatchObject({ acdCm: 2.9, aluminaTargetPct: 2.5, alf3TargetPct: 12 });
  });

  it('gives the same answer for the same input', async () => {
    const input = oneCellProblem();
    expect(JSON.stringify(await optimizeLine(input))).toBe(JSON.stringify(await optimizeLine(input)));
  });

  it('rejects an invalid problem naming the field', async () => {
    await expect(optimizeLine({ ...oneCellProblem(), lineCurrentKA: -5 } as LineProblemInput)).rejects.toMatchObject({
      code: 'ERR-OPT-INPUT',
      field: 'problem.lineCurrentKA',
    });
  });

  it('only checkProposal makes checked set points', () => {
    const model = buildLineModel(LineProblem.parse(oneCellProblem()));
    const unchecked: UncheckedProposal = {
      lineId: 'T1',
      lineCurrentKA: 126,
      cells: [{ cellId: 'T1-C001', acdCm: 2.9, aluminaTargetPct: 2.5, alf3TargetPct: 12 }],
    };
    // @ts-expect-error an unchecked proposal is not a checked one
    const bad: CheckedSetPoints = unchecked;
    expect(bad).toBe(unchecked);
    const result = checkProposal(model, { ...unchecked, cells: [{ ...unchecked.cells[0]!, acdCm: 1.6 }] });
    expect(result.ok).toBe(false);
    expect(checkProposal(model, unchecked).ok).toBe(true);
  });

  it('never exceeds step limits or equipment ratings, and every answer passes the full model (random line states)', async () => {
    const cellArb = fc.record({
      acdCm: fc.double({ min: 2.6, max: 3.4, noNaN: true }),
      aluminaPct: fc.double({ min: 2.2, max: 3.8, noNaN: true }),
      alf3Pct: fc.double({ min: 10.5, max: 12.5, noNaN: true }),
      superheatK: fc.double({ min: 2.2, max: 5, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(cellArb, { minLength: 1, maxLength: 4 }),
        fc.record({
          acdStep: fc.double({ min: 0, max: 0.3, noNaN: true }),
          alf3Step: fc.double({ min: 0, max: 1, noNaN: true }),
          currentStep: fc.double({ min: 0, max: 4, noNaN: true }),
          rectifierHeadroomKA: fc.double({ min: 0, max: 5, noNaN: true }),
          cellVoltageMaxV: fc.double({ min: 4.3, max: 5, noNaN: true }),
        }),
        async (cells, limits) => {
          const { liquidusC } = await import('../physics/properties/bath.js');
          const input: LineProblemInput = {
            lineId: 'P',
            lineCurrentKA: 126,
            rectifier: {
              minCurrentKA: 120,
              maxCurrentKA: 126 + limits.rectifierHeadroomKA,
              maxVoltageV: 4.8 * cells.length,
            },
            cells: cells.map((c, j) => ({
              cellId: `P-${j}`,
              state: {
                acdCm: c.acdCm,
                aluminaPct: c.aluminaPct,
                alf3Pct: c.alf3Pct,
                bathTempC:
                  liquidusC({ aluminaPct: c.aluminaPct, alf3Pct: c.alf3Pct, caf2Pct: 4.1, mgf2Pct: 0.25, lifPct: 0 }) +
                  c.superheatK,
                ...baseCellOperation(),
              },
              design,
            })),
            constraints: {
              cellVoltageMaxV: limits.cellVoltageMaxV,
              maxStep: {
                acdCm: limits.acdStep,
                aluminaPct: 0.3,
                alf3Pct: limits.alf3Step,
                lineCurrentKA: limits.currentStep,
              },
            },
          };
          const r = await optimizeLine(input);
          assertSafe(input, r);
        },
      ),
      { numRuns: 12, seed: 42 },
    );
  });
});
