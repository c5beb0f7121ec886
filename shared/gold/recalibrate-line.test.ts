import { describe, expect, it } from 'vitest';
import { BASE_SET_POINTS, matchedFeedIntervalS } from '../physics/cell/design.js';
import { DEFAULT_REDUCED_MODEL } from '../physics/cell/predictor.js';
import { gaussian, predictWith, seededRandom } from '../physics/calibration/calibrate.js';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { lineObservations, recalibrateLine, type LineObservation } from './recalibrate-line.js';

/** Settled points of a line whose busbars lost 2 µΩ more than design and whose shell loses 12 % more heat. */
function driftedLine(n: number, seed: number): LineObservation[] {
  const truth = {
    externalResistanceMicroOhm: 4.5,
    otherConductanceWPerK: DEFAULT_REDUCED_MODEL.otherConductanceWPerK * 1.12,
  };
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, k) => {
    const ka = 122 + 8 * rand();
    const setPoints = {
      ...BASE_SET_POINTS,
      lineCurrentKA: ka,
      acdCm: 2.6 + 0.6 * rand(),
      feedIntervalS: matchedFeedIntervalS(ka),
    };
    const p = predictWith(truth, { setPoints, measured: {} });
    return {
      runId: `opt-L1-${k}`,
      cellId: `L1-C${String(k + 1).padStart(3, '0')}`,
      setPoints,
      // Thermocouples ±0.05 %, voltage ±0.3 % (1σ): what a settled hour of curated minutes averages to.
      measured: {
        cellVoltageV: p.cellVoltageV * (1 + 0.003 * gaussian(rand)),
        bathTempC: p.bathTempC * (1 + 0.0005 * gaussian(rand)),
      },
    };
  });
}

describe("recalibration of a line's model from settled runs", () => {
  it('recovers the drifted resistance and heat loss; the held-out error is within ±5 % and reported', () => {
    const r = recalibrateLine(driftedLine(24, 7));
    if (!r.ok) throw new Error(r.reason);
    expect(r.converged).toBe(true);
    expect(r.parameters.externalResistanceMicroOhm).toBeCloseTo(4.5, 0);
    expect(r.parameters.otherConductanceWPerK! / DEFAULT_REDUCED_MODEL.otherConductanceWPerK).toBeCloseTo(1.12, 1);
    expect(r.holdOut.count).toBe(12);
    expect(r.holdOut.mapePct).toBeLessThan(1);
    expect(r.holdOut.withinFivePct).toBe(1);
    expect(r.bathSource).toBe('assumed');
    expect(recalibrateLine(driftedLine(24, 7))).toEqual(r);
  });

  it('says when there is too little settled data to refit', () => {
    expect(recalibrateLine(driftedLine(5, 1))).toEqual({
      ok: false,
      reason: '5 settled observation(s) of the line; a refit needs at least 8',
    });
  });
});

describe('observations from assessed runs', () => {
  it('pairs each assessed cell with the set points its run left it on, the line current from the rectifier', async () => {
    const lake = new MemoryLakeStore();
    const dir = 'optimization_runs/date=2026-11-22/line=L1/run=opt-L1-x/';
    const put = (name: string, v: unknown) => lake.put('gold', dir + name, new TextEncoder().encode(JSON.stringify(v)));
    await put('recommendation.json', {
      run: {},
      problem: { lineCurrentKA: 126 },
      recommendation: {},
      setPoints: {
        setPoints: [
          {
            equipmentId: 'L1-C001',
            setPoint: { acdCm: 2.9 },
            present: { acdCm: 3.0, feedIntervalS: 60, alf3AdditionKgPerDay: 25 },
          },
          { equipmentId: 'L1-C002', setPoint: { acdCm: 2.8 }, present: {} },
          { equipmentId: 'L1-LINE', setPoint: { lineCurrentKA: 127.5 }, present: { lineCurrentKA: 126 } },
        ],
      },
    });
    await put('accuracy.json', {
      runId: 'opt-L1-x',
      rows: [
        { cellId: 'L1-C001', measuredCellVoltageV: 4.21, measuredBathTempC: null },
        { cellId: 'L1-C002', measuredCellVoltageV: 4.3, measuredBathTempC: 961 },
      ],
    });
    expect(await lineObservations(lake, 'L1', Date.UTC(2026, 10, 23, 6))).toEqual([
      {
        runId: 'opt-L1-x',
        cellId: 'L1-C001',
        setPoints: { lineCurrentKA: 127.5, acdCm: 2.9, feedIntervalS: 60, alf3AdditionKgPerDay: 25 },
        measured: { cellVoltageV: 4.21 },
      },
    ]);
  });
});
