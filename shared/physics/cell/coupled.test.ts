import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../errors.js';
import { calibrateReducedModel } from './calibrate-reduced.js';
import { CoupledCell } from './coupled.js';
import { BASE_DESIGN, BASE_SET_POINTS, BASE_STATE } from './design.js';
import { DEFAULT_REDUCED_MODEL } from './predictor.js';
import { whatIf } from './what-if.js';

describe('coupled 2D cell model', () => {
  it('base state: steady, energy balanced, superheat and ledge sensible; the reduced model is its calibration', () => {
    const c = new CoupledCell(BASE_STATE);
    const s = c.snapshot();
    expect(s.bathTempC).toBeGreaterThan(965);
    expect(s.bathTempC).toBeLessThan(971);
    expect(s.ledgeThicknessM).toBeGreaterThan(0.05);
    expect(s.superheatC).toBeGreaterThan(0);
    expect(Math.abs(s.heatGeneratedW - s.heatLossW) / s.heatGeneratedW).toBeLessThan(0.01);
    const m = calibrateReducedModel(BASE_DESIGN);
    expect(m.outerResistanceM2KPerW).toBeCloseTo(DEFAULT_REDUCED_MODEL.outerResistanceM2KPerW, 3);
    expect(m.otherConductanceWPerK / DEFAULT_REDUCED_MODEL.otherConductanceWPerK).toBeCloseTo(1, 2);
  });

  it('24 h under base set points stays bounded and conserves alumina (fed − consumed) to round-off', () => {
    const c = new CoupledCell(BASE_STATE, BASE_SET_POINTS, { thermalStepS: 300 });
    for (let k = 0; k < 288; k++) c.step();
    const s = c.snapshot();
    expect(Math.abs(s.bathTempC - 968)).toBeLessThan(8);
    const a = c.alumina;
    expect(Math.abs(a.totalAluminaKg() - c.aluminaInitialKg - a.fedKg + a.consumedKg)).toBeLessThan(1e-10 * a.fedKg);
    expect(s.anodeEffect).toBe(false);
  });

  it('feed stop: anode effects are flagged and quenched, every output stays finite', () => {
    const c = new CoupledCell(BASE_STATE, { ...BASE_SET_POINTS, feedIntervalS: 36000 }, { thermalStepS: 120 });
    let flagged = false;
    for (let k = 0; k < 60; k++) {
      c.step();
      const s = c.snapshot();
      flagged ||= s.anodeEffect;
      for (const [key, v] of Object.entries(s)) if (typeof v === 'number') expect(Number.isFinite(v), key).toBe(true);
    }
    expect(flagged).toBe(true);
    expect(c.anodeEffectCount).toBeGreaterThan(0);
    expect(c.anodeEffectS).toBe(c.anodeEffectCount * 120);
    expect(Math.abs(c.snapshot().bathTempC - 968)).toBeLessThan(30);
  });

  it('whatIf: trajectory, steady values, chaining state; current ramp down and up stays finite', () => {
    const r = whatIf({ setPoints: { ...BASE_SET_POINTS, acdCm: 2.8 }, durationH: 6, sampleEveryH: 1 });
    expect(r.trajectory.length).toBe(7);
    expect(r.steady.cellVoltageV).toBeGreaterThan(4);
    expect(r.finalState.setPoints.acdCm).toBe(2.8);
    expect(r.anodeEffectRisk).toBeGreaterThanOrEqual(0);
    expect(r.anodeEffectRisk).toBeLessThanOrEqual(1);
    const ramp = whatIf({ setPoints: { ...BASE_SET_POINTS, lineCurrentKA: 110 }, state: r.finalState, durationH: 3 });
    expect(ramp.final.cellVoltageV).toBeLessThan(r.final.cellVoltageV);
    for (const p of ramp.trajectory)
      for (const [k, v] of Object.entries(p)) if (typeof v === 'number') expect(Number.isFinite(v), k).toBe(true);
    const up = whatIf({ setPoints: { ...BASE_SET_POINTS, lineCurrentKA: 140 }, durationH: 3 });
    expect(up.final.cellVoltageV).toBeGreaterThan(r.final.cellVoltageV);
    expect(() => whatIf({ setPoints: BASE_SET_POINTS, durationH: 0 })).toThrow(PhysicsError);
  });

  it('long run converges towards the predictor steady values (ACD 2.8 cm, 96 h)', () => {
    const r = whatIf({
      setPoints: { ...BASE_SET_POINTS, acdCm: 2.8 },
      durationH: 96,
      thermalStepS: 300,
      sampleEveryH: 24,
    });
    const f = r.final;
    const s = r.steady;
    expect(Math.abs(f.cellVoltageV - s.cellVoltageV)).toBeLessThan(0.05);
    expect(Math.abs(f.bathTempC - s.bathTempC)).toBeLessThan(5);
    expect(Math.abs(f.superheatC - s.superheatC)).toBeLessThan(3);
    expect(Math.abs(f.ledgeThicknessM - s.ledgeThicknessM)).toBeLessThan(0.03);
  }, 120_000);
});
