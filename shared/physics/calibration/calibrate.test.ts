import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../errors.js';
import { BASE_SET_POINTS, matchedFeedIntervalS } from '../cell/design.js';
import { DEFAULT_REDUCED_MODEL } from '../cell/predictor.js';
import { calibrate, calibrateCell, gaussian, predictWith, seededRandom, type CellObservation } from './calibrate.js';
import { levenbergMarquardt } from './lm.js';

describe('bounded Levenberg–Marquardt', () => {
  it('fits an exponential decay exactly and reports uncertainty that shrinks with noise', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i * 0.2);
    const ys = xs.map((x) => 3 * Math.exp(-0.7 * x) + 0.5);
    const r = levenbergMarquardt((p) => xs.map((x, i) => p[0]! * Math.exp(-p[1]! * x) + p[2]! - ys[i]!), [1, 0.1, 0]);
    expect(r.converged).toBe(true);
    expect(r.parameters[0]).toBeCloseTo(3, 6);
    expect(r.parameters[1]).toBeCloseTo(0.7, 6);
    expect(r.parameters[2]).toBeCloseTo(0.5, 6);
  });
  it('respects bounds (the optimum outside is projected onto the bound)', () => {
    const r = levenbergMarquardt((p) => [p[0]! - 5, 0.1 * (p[0]! - 5)], [1], { lower: [0], upper: [2] });
    expect(r.parameters[0]).toBeCloseTo(2, 9);
  });
  it('Rosenbrock from the classic start', () => {
    const r = levenbergMarquardt((p) => [10 * (p[1]! - p[0]! * p[0]!), 1 - p[0]!], [-1.2, 1], { maxIterations: 500 });
    expect(r.parameters[0]).toBeCloseTo(1, 5);
    expect(r.parameters[1]).toBeCloseTo(1, 5);
  });
  it('standard errors match the linear-regression formula for a straight line', () => {
    const rand = seededRandom(3);
    const xs = Array.from({ length: 40 }, (_, i) => i);
    const ys = xs.map((x) => 2 + 0.5 * x + 0.3 * gaussian(rand));
    const r = levenbergMarquardt((p) => xs.map((x, i) => p[0]! + p[1]! * x - ys[i]!), [0, 0]);
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const s2 = (2 * r.cost) / (n - 2);
    expect(r.standardErrors[1]).toBeCloseTo(Math.sqrt(s2 / sxx), 6);
  });
});

describe('cell calibration with a hold-out split', () => {
  it('recovers the heat-loss conductance and CE from noisy synthetic data; held-out predictions within ±5 %', () => {
    const truth = {
      otherConductanceWPerK: DEFAULT_REDUCED_MODEL.otherConductanceWPerK * 1.15,
      currentEfficiency: 0.93,
    };
    const rand = seededRandom(2024);
    const data: CellObservation[] = [];
    for (let k = 0; k < 24; k++) {
      const ka = 120 + 12 * rand();
      const setPoints = {
        ...BASE_SET_POINTS,
        lineCurrentKA: ka,
        acdCm: 2.7 + 0.4 * rand(),
        feedIntervalS: matchedFeedIntervalS(ka),
      };
      const p = predictWith(truth, { setPoints, measured: {} });
      data.push({
        setPoints,
        measured: {
          bathTempC: p.bathTempC * (1 + 0.0005 * gaussian(rand)),
          cellVoltageV: p.cellVoltageV * (1 + 0.005 * gaussian(rand)),
        },
      });
    }
    const r = calibrateCell(data, ['otherConductanceWPerK', 'currentEfficiency'], { holdOutFraction: 0.25, seed: 7 });
    expect(r.holdOut.count).toBe(12);
    expect(r.holdOut.withinTolerance).toBe(1);
    expect(r.holdOut.maxRelative).toBeLessThan(0.05);
    // conductance and CE trade off against each other in bath temperature and voltage: recovered within 20 %
    expect(Math.abs(r.parameters.otherConductanceWPerK! / truth.otherConductanceWPerK - 1)).toBeLessThan(0.2);
    expect(r.standardErrors.otherConductanceWPerK).not.toBeNull();
  }, 60_000);

  it('too little data is a typed error', () => {
    expect(() =>
      calibrate({
        parameters: [{ name: 'a', initial: 1, lower: 0, upper: 2 }],
        data: [{ input: 0, measured: { y: 1 } }],
        predict: (p) => ({ y: p.a! }),
      }),
    ).toThrow(PhysicsError);
  });
});
