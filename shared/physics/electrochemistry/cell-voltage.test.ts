import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../errors.js';
import { BASE_CELL, baseCell } from './base-cell.js';
import {
  bubbleCoverage,
  bubbleThicknessCm,
  cellVoltageBreakdown,
  criticalCurrentDensityAcm2,
  reversiblePotentialV,
  type CellVoltageInput,
} from './cell-voltage.js';

/*
 * Base cell by hand (PHYSICS.md base, alumina 2.5 %, T = 1236.15 K):
 *  i = 126000/(1.1382·104652) = 1.05780 A/cm²; i_cath = 126000/115348 = 1.09235 A/cm²; A₁ = 5232.6 cm²
 *  C_sat = 8.3697, r = 0.29870, a = 0.148036; E_rev = 1.896 − 0.70708 + 0.0088769·3.82043 = 1.22284 V
 *  i₀ = 0.0029·2.5^0.56 = 0.0048444; η_sa = 0.098632·ln(218.36) = 0.53124 V
 *  i_c = 39.367·0.118114·0.424747 = 1.97497; η_ca = 0.053262·ln(1.97497/0.91717) = 0.04085 V
 *  η_cc = 0.0710139·(1.375 − 0.273785)·ln(4.25038) = 0.11316 V
 *  κ = 2.21502 S/cm; bath = 126000·2.9/(2.21502·119115) = 1.38492 V
 *  d_b = 0.488875 cm, θ = 0.570988, bubble = 126000·0.488875·0.570988/(2.21502·119115·0.429012) = 0.31073 V
 *  ohmic = 126000·7.18e-6 = 0.90468 V  →  V_cell = 4.50842 V
 */
describe('cellVoltageBreakdown (Haupin 1998)', () => {
  it('base cell matches the hand computation term by term', () => {
    const r = cellVoltageBreakdown(BASE_CELL);
    expect(r.anodeCurrentDensityAcm2).toBeCloseTo(1.0578021, 6);
    expect(r.cathodeCurrentDensityAcm2).toBeCloseTo(1.0923466, 6);
    expect(r.reversibleV).toBeCloseTo(1.2228375, 6);
    expect(r.anodeSurfaceV).toBeCloseTo(0.5312412, 6);
    expect(r.criticalCurrentDensityAcm2).toBeCloseTo(1.9749746, 6);
    expect(r.anodeConcentrationV).toBeCloseTo(0.0408525, 6);
    expect(r.cathodeConcentrationV).toBeCloseTo(0.1131592, 6);
    expect(r.bathConductivitySPerCm).toBeCloseTo(2.2150153, 6);
    expect(r.bathOhmicV).toBeCloseTo(1.3849232, 6);
    expect(r.bubbleOhmicV).toBeCloseTo(0.3107297, 6);
    expect(r.anodeOhmicV).toBeCloseTo(0.38052, 9);
    expect(r.cathodeOhmicV).toBeCloseTo(0.2709, 9);
    expect(r.externalOhmicV).toBeCloseTo(0.25326, 9);
    expect(r.cellVoltageV).toBeCloseTo(4.5084233, 6);
    expect(r.anodeEffect).toBe(false);
    const sum =
      r.reversibleV +
      r.anodeSurfaceV +
      r.anodeConcentrationV +
      r.cathodeConcentrationV +
      r.bathOhmicV +
      r.bubbleOhmicV +
      r.anodeOhmicV +
      r.cathodeOhmicV +
      r.externalOhmicV;
    expect(r.cellVoltageV).toBeCloseTo(sum, 12);
  });

  it('140 kA, ACD 3.4 cm, 975 °C, Al2O3 3.5, AlF3 10, CaF2 5, MgF2 0.5, LiF 1 → 4.93707 V', () => {
    const r = cellVoltageBreakdown(
      baseCell({
        lineCurrentKA: 140,
        acdCm: 3.4,
        bathTempC: 975,
        bath: { aluminaPct: 3.5, alf3Pct: 10, caf2Pct: 5, mgf2Pct: 0.5, lifPct: 1 },
      }),
    );
    expect(r.reversibleV).toBeCloseTo(1.2064216, 6);
    expect(r.anodeSurfaceV).toBeCloseTo(0.528126, 6);
    expect(r.anodeConcentrationV).toBeCloseTo(0.0324494, 6);
    expect(r.cathodeConcentrationV).toBeCloseTo(0.1212493, 6);
    expect(r.bathOhmicV).toBeCloseTo(1.7598521, 6);
    expect(r.bubbleOhmicV).toBeCloseTo(0.2837689, 6);
    expect(r.bathConductivitySPerCm).toBeCloseTo(2.2707257, 6);
    expect(r.cellVoltageV).toBeCloseTo(4.9370673, 6);
  });

  it('100 kA, ACD 2.5 cm, 950 °C, Al2O3 2.0, AlF3 13, CaF2 4 → 3.94717 V', () => {
    const r = cellVoltageBreakdown(
      baseCell({
        lineCurrentKA: 100,
        acdCm: 2.5,
        bathTempC: 950,
        bath: { aluminaPct: 2, alf3Pct: 13, caf2Pct: 4, mgf2Pct: 0, lifPct: 0 },
      }),
    );
    expect(r.bubbleCoverage).toBeCloseTo(0.6713703, 6);
    expect(r.criticalCurrentDensityAcm2).toBeCloseTo(1.5950569, 6);
    expect(r.cellVoltageV).toBeCloseTo(3.9471664, 6);
  });

  it('component functions', () => {
    expect(bubbleThicknessCm(0)).toBeCloseTo(0.5517, 12);
    expect(bubbleThicknessCm(1)).toBeCloseTo(1.5517 / 3.167, 12);
    // i = 1, BR = 1.5, Δ = 0: 0.9·(0.57404 + (0.4322 − 0.56715)/3.4555 + 0.431) = 0.9·0.965986 = 0.869387
    expect(bubbleCoverage(1, 1.5, 0)).toBeCloseTo(0.9 * (0.57404 + (0.4322 - 0.56715) / 3.4555 + 0.431), 12);
    // T = 1323 K: i_c = 55·((0.04)^0.5 − 0.04)·1^−0.1 = 55·0.16 = 8.8 for a 1 cm² anode at 4 % alumina
    expect(criticalCurrentDensityAcm2(4, 1323, 1)).toBeCloseTo(8.8, 12);
    // a = 1: E_rev = 1.896 − 0.000572·1250 = 1.181
    expect(reversiblePotentialV(1250, 1)).toBeCloseTo(1.181, 12);
  });

  it('voltage rises as alumina falls towards C_AE (the feed-control U curve)', () => {
    const v = (c: number) => cellVoltageBreakdown(baseCell({ bath: { aluminaPct: c } })).cellVoltageV;
    expect(v(2.0)).toBeGreaterThan(v(2.5));
    expect(v(2.5)).toBeGreaterThan(v(4.0));
  });

  it('alumina near zero flags the anode effect with finite terms, never NaN', () => {
    for (const c of [0, 1e-9, 0.05, 0.16, 1.0, 1.8]) {
      const r = cellVoltageBreakdown(baseCell({ bath: { aluminaPct: c } }));
      expect(r.anodeEffect).toBe(true);
      for (const [k, val] of Object.entries(r)) if (typeof val === 'number') expect(Number.isFinite(val), k).toBe(true);
      expect(r.criticalCurrentDensityAcm2).toBeGreaterThanOrEqual(0);
    }
    expect(cellVoltageBreakdown(baseCell({ bath: { aluminaPct: 1.81 } })).anodeEffect).toBe(false);
  });

  it('a current density beyond the critical current density flags the anode effect', () => {
    const r = cellVoltageBreakdown(
      baseCell({
        lineCurrentKA: 120,
        bath: { aluminaPct: 2.0 },
        aluminaAtAnodeEffectPct: 0.5,
        geometry: { anodeAreaCm2: 50000 },
      }),
    );
    expect(r.anodeCurrentDensityAcm2).toBeGreaterThan(r.criticalCurrentDensityAcm2);
    expect(r.anodeEffect).toBe(true);
    expect(Number.isFinite(r.cellVoltageV)).toBe(true);
  });

  it('typed errors name the field: extreme temperature, bad ACD, alumina above saturation, missing parts', () => {
    const cases: Array<[CellVoltageInput, string]> = [
      [baseCell({ bathTempC: 1400 }), 'bathTempC'],
      [baseCell({ bathTempC: -20 }), 'bathTempC'],
      [baseCell({ acdCm: 0 }), 'acdCm'],
      [baseCell({ acdCm: Number.NaN }), 'acdCm'],
      [baseCell({ bath: { aluminaPct: 9.5 } }), 'bath.aluminaPct'],
      [baseCell({ geometry: { anodeCount: 0 } }), 'geometry.anodeCount'],
      [baseCell({ lineCurrentKA: 0 }), 'lineCurrentKA'],
      [baseCell({ lineCurrentKA: 500 }), 'anodeCurrentDensityAcm2'],
      [{ ...baseCell(), bath: undefined } as unknown as CellVoltageInput, 'bath'],
    ];
    for (const [input, field] of cases) {
      try {
        cellVoltageBreakdown(input);
        throw new Error(`no error for ${field}`);
      } catch (e) {
        expect(e, field).toBeInstanceOf(PhysicsError);
        expect((e as PhysicsError).quantity).toBe(field);
        expect((e as PhysicsError).code).toBe('ERR-PHYS-RANGE');
      }
    }
  });

  it('Hives conductivity is selectable', () => {
    const r = cellVoltageBreakdown({ ...baseCell(), conductivityCorrelation: 'hives' });
    expect(r.bathConductivitySPerCm).toBeCloseTo(2.1561312, 6);
  });

  it('current ramp from 10 to 200 kA: finite and monotone in current', () => {
    let last = -Infinity;
    for (let ka = 10; ka <= 200; ka += 5) {
      const v = cellVoltageBreakdown(baseCell({ lineCurrentKA: ka })).cellVoltageV;
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(last);
      last = v;
    }
  });
});
