import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FARADAY_C_PER_MOL as F, GAS_CONSTANT_J_PER_MOL_K as R } from '../constants.js';
import { PhysicsError } from '../errors.js';
import {
  butlerVolmerCurrentDensityAcm2,
  HAUPIN_ANODE_ALPHA,
  solveButlerVolmerOverpotential,
  tafelOverpotentialV,
  type ButlerVolmerParams,
} from './butler-volmer.js';

const sym: ButlerVolmerParams = {
  exchangeCurrentDensityAcm2: 1e-3,
  alphaAnodic: 0.5,
  alphaCathodic: 0.5,
  temperatureK: 1236,
};

describe('Butler–Volmer law', () => {
  it('symmetric law is 2·i₀·sinh(α·F·η/(R·T))', () => {
    for (const eta of [-0.3, -0.01, 0, 0.002, 0.1, 0.5]) {
      expect(butlerVolmerCurrentDensityAcm2(sym, eta)).toBeCloseTo(2e-3 * Math.sinh((0.5 * F * eta) / (R * 1236)), 12);
    }
  });
  it('symmetric inversion equals the closed form η = (R·T/(α·F))·asinh(i/(2·i₀)) on both branches', () => {
    // hand values: R·T/(αF) = 8.3145·1236/(0.5·96485.3329) = 0.21302 V
    expect(solveButlerVolmerOverpotential(sym, 0.5).overpotentialV).toBeCloseTo(1.3238455826, 10);
    expect(solveButlerVolmerOverpotential(sym, -0.02).overpotentialV).toBeCloseTo(-0.6386857531, 10);
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (i) => {
        const eta = solveButlerVolmerOverpotential(sym, i).overpotentialV;
        const exact = ((R * 1236) / (0.5 * F)) * Math.asinh(i / 2e-3);
        return Math.abs(eta - exact) <= 1e-10 * Math.max(1, Math.abs(exact));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
  it('asymmetric law with concentration limits: round trip and bounded current', () => {
    const p: ButlerVolmerParams = {
      exchangeCurrentDensityAcm2: 0.005,
      alphaAnodic: 1.08,
      alphaCathodic: 0.6,
      temperatureK: 1236,
      anodicLimitAcm2: 2,
      cathodicLimitAcm2: 0.5,
    };
    for (const i of [-0.49, -0.2, -1e-4, 1e-6, 0.3, 1.0, 1.9, 1.999]) {
      const s = solveButlerVolmerOverpotential(p, i);
      expect(butlerVolmerCurrentDensityAcm2(p, s.overpotentialV)).toBeCloseTo(i, 11);
    }
    expect(butlerVolmerCurrentDensityAcm2(p, 50)).toBeCloseTo(2, 12);
    expect(butlerVolmerCurrentDensityAcm2(p, -50)).toBeCloseTo(-0.5, 12);
  });
  it('limit: i at or beyond the limiting current is ERR-PHYS-LIMIT', () => {
    const p: ButlerVolmerParams = { ...sym, anodicLimitAcm2: 1 };
    expect(() => solveButlerVolmerOverpotential(p, 1)).toThrow(PhysicsError);
    try {
      solveButlerVolmerOverpotential(p, 1.5);
    } catch (e) {
      expect((e as PhysicsError).code).toBe('ERR-PHYS-LIMIT');
    }
  });
  it('Tafel form is the high-overpotential limit; Haupin’s T/12533 corresponds to α_a ≈ 1.080', () => {
    expect(HAUPIN_ANODE_ALPHA).toBeCloseTo(1.08003, 4);
    const i0 = 0.004844449;
    const tK = 1236.15;
    const p: ButlerVolmerParams = {
      exchangeCurrentDensityAcm2: i0,
      alphaAnodic: HAUPIN_ANODE_ALPHA,
      alphaCathodic: 1,
      temperatureK: tK,
    };
    const tafel = tafelOverpotentialV(1.0578, i0, HAUPIN_ANODE_ALPHA, tK);
    expect(tafel).toBeCloseTo((tK / 12533) * Math.log(1.0578 / i0), 12);
    expect(solveButlerVolmerOverpotential(p, 1.0578).overpotentialV).toBeCloseTo(tafel, 4);
  });
  it('typed errors on bad parameters, never NaN', () => {
    expect(() => butlerVolmerCurrentDensityAcm2({ ...sym, exchangeCurrentDensityAcm2: 0 }, 0.1)).toThrow(PhysicsError);
    expect(() => butlerVolmerCurrentDensityAcm2(sym, Number.NaN)).toThrow(PhysicsError);
    expect(() => butlerVolmerCurrentDensityAcm2(sym, 1e6)).toThrow(PhysicsError);
  });
});
