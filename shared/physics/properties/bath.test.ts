import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../errors.js';
import {
  aluminaActivity,
  aluminaActivityFromRatio,
  aluminaSaturationPct,
  bathConductivityHaupinSPerCm,
  bathConductivityHivesSPerCm,
  bathConductivitySPerCm,
  bathRatio,
  liquidusC,
  superheatK,
  type BathComposition,
} from './bath.js';
import { bathDensityKgM3, metalDensityKgM3 } from './density.js';

// Reference values: hand-checkable exact points (pure cryolite etc.) and values computed independently
// (a separate Python transcription of PHYSICS.md, /tmp-free: the numbers are pasted here).
const base: BathComposition = { aluminaPct: 2.5, alf3Pct: 12, caf2Pct: 4.1, mgf2Pct: 0.25, lifPct: 0 };
const pure: BathComposition = { aluminaPct: 0, alf3Pct: 0, caf2Pct: 0, mgf2Pct: 0, lifPct: 0 };
const lithium: BathComposition = { aluminaPct: 3, alf3Pct: 8, caf2Pct: 5, mgf2Pct: 0.5, lifPct: 2, kfPct: 1 };

function expectPhysicsError(fn: () => unknown, code: string, quantity: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PhysicsError);
    expect((e as PhysicsError).code).toBe(code);
    expect((e as PhysicsError).quantity).toBe(quantity);
    return;
  }
  throw new Error(`expected PhysicsError ${code} on ${quantity}`);
}

describe('bath ratio (Haupin)', () => {
  it('is 1.5 for pure cryolite (x = 0: 1/(2/3))', () => expect(bathRatio(pure)).toBeCloseTo(1.5, 12));
  it('base bath: x = 12/93.15 = 0.128824, BR = 0.871176/0.795490 = 1.095142', () =>
    expect(bathRatio(base)).toBeCloseTo(1.0951417, 6));
  it('lithium bath: x = 8/89.5, BR = 1.204433', () => expect(bathRatio(lithium)).toBeCloseTo(1.2044335, 6));
});

describe('alumina saturation (Skybakmoen 1997)', () => {
  it('pure cryolite at 1000 °C is A = 11.9 exactly', () =>
    expect(aluminaSaturationPct(pure, 1000)).toBeCloseTo(11.9, 12));
  it('base bath at 963 °C: A = 9.8146, B = 4.224 → 8.3697', () =>
    expect(aluminaSaturationPct(base, 963)).toBeCloseTo(8.369703, 5));
  it('base bath at 1050 °C → 12.0608', () => expect(aluminaSaturationPct(base, 1050)).toBeCloseTo(12.060802, 5));
  it('with LiF at 980 °C → 8.5017', () => expect(aluminaSaturationPct(lithium, 980)).toBeCloseTo(8.501726, 5));
  it('rejects an extreme temperature with a typed error', () =>
    expectPhysicsError(() => aluminaSaturationPct(base, 1500), 'ERR-PHYS-RANGE', 'bathTempC'));
});

describe('alumina activity (Haupin)', () => {
  it('at saturation r = 1: −0.03791 + 2.364 − 2.194 + 0.8686 = 1.00069', () =>
    expect(aluminaActivityFromRatio(1)).toBeCloseTo(1.00069, 12));
  it('r = 0.5 → 0.3520825', () => expect(aluminaActivityFromRatio(0.5)).toBeCloseTo(0.3520825, 12));
  it('r = 0.3 → 0.14918466', () => expect(aluminaActivityFromRatio(0.3)).toBeCloseTo(0.14918466, 10));
  it('base bath (r = 0.29870) → 0.148036', () => expect(aluminaActivity(base, 963)).toBeCloseTo(0.1480364, 6));
  it('rejects r below the positive branch and above saturation', () => {
    expectPhysicsError(() => aluminaActivityFromRatio(0.01), 'ERR-PHYS-RANGE', 'aluminaRelativeSaturation');
    expectPhysicsError(
      () => aluminaActivity({ ...base, aluminaPct: 9 }, 963),
      'ERR-PHYS-RANGE',
      'aluminaRelativeSaturation',
    );
  });
  it('rejects alumina near zero (activity would be ≤ 0) rather than returning NaN', () =>
    expectPhysicsError(
      () => aluminaActivity({ ...base, aluminaPct: 0.01 }, 963),
      'ERR-PHYS-RANGE',
      'aluminaRelativeSaturation',
    ));
});

describe('liquidus (Solheim 1996) and superheat', () => {
  it('pure cryolite melts at 1011 °C', () => expect(liquidusC(pure)).toBe(1011));
  it('base bath → 959.090 °C', () => expect(liquidusC(base)).toBeCloseTo(959.08987, 4));
  it('lithium bath → 968.470 °C (LiF does not enter)', () => expect(liquidusC(lithium)).toBeCloseTo(968.47012, 4));
  it('Al2O3 4, AlF3 11, CaF2 5 → 954.365 °C', () =>
    expect(liquidusC({ aluminaPct: 4, alf3Pct: 11, caf2Pct: 5, mgf2Pct: 0, lifPct: 0 })).toBeCloseTo(954.36495, 4));
  it('superheat = t − T_liq', () => {
    expect(superheatK(base, 963)).toBeCloseTo(963 - 959.08987, 4);
    expect(superheatK(base, 950)).toBeLessThan(0);
  });
  it('names the component that is out of range', () =>
    expectPhysicsError(() => liquidusC({ ...base, caf2Pct: 40 }), 'ERR-PHYS-RANGE', 'bath.caf2Pct'));
});

describe('bath conductivity', () => {
  it('Haupin form, base bath at 963 °C → 2.21502 S/cm', () =>
    expect(bathConductivityHaupinSPerCm(base, 963)).toBeCloseTo(2.2150153, 6));
  it('Haupin form, pure cryolite at 1000 °C → 2.78596 S/cm', () =>
    expect(bathConductivityHaupinSPerCm(pure, 1000)).toBeCloseTo(2.7859601, 6));
  it('Haupin form, lithium bath at 980 °C → 2.39717 S/cm', () =>
    expect(bathConductivityHaupinSPerCm(lithium, 980)).toBeCloseTo(2.3971677, 6));
  it('Hives 1996, base at 963 °C → 2.15613 S/cm', () =>
    expect(bathConductivityHivesSPerCm(base, 963)).toBeCloseTo(2.1561312, 6));
  it('Hives 1996, pure cryolite at 1000 °C: exp(1.977 − 1204.3/1273.15) = 2.80409', () =>
    expect(bathConductivityHivesSPerCm(pure, 1000)).toBeCloseTo(2.8040883, 6));
  it('Hives 1996 with KF and LiF at 980 °C → 2.31216 S/cm', () =>
    expect(bathConductivityHivesSPerCm(lithium, 980)).toBeCloseTo(2.3121591, 6));
  it('selector', () => {
    expect(bathConductivitySPerCm(base, 963)).toBe(bathConductivityHaupinSPerCm(base, 963));
    expect(bathConductivitySPerCm(base, 963, 'hives')).toBe(bathConductivityHivesSPerCm(base, 963));
  });
  it('rejects NaN and extreme temperatures', () => {
    expectPhysicsError(() => bathConductivitySPerCm(base, Number.NaN), 'ERR-PHYS-RANGE', 'bathTempC');
    expectPhysicsError(() => bathConductivitySPerCm(base, 200), 'ERR-PHYS-RANGE', 'bathTempC');
  });
});

describe('densities', () => {
  it('bath 2100 kg/m³ and metal 2300 kg/m³ (PHYSICS.md)', () => {
    expect(bathDensityKgM3(963)).toBe(2100);
    expect(metalDensityKgM3(963)).toBe(2300);
  });
  it('Assael 2006: 2377.23 at the melting point, 2283.10 at 963 °C, 2271.59 at 1000 °C', () => {
    expect(metalDensityKgM3(660.32, 'assael2006')).toBeCloseTo(2377.23, 6);
    expect(metalDensityKgM3(963, 'assael2006')).toBeCloseTo(2377.23 - 0.311 * (1236.15 - 933.47), 9);
    expect(metalDensityKgM3(1000, 'assael2006')).toBeCloseTo(2271.58952, 4);
  });
  it('range errors', () => {
    expectPhysicsError(() => bathDensityKgM3(2000), 'ERR-PHYS-RANGE', 'bathTempC');
    expectPhysicsError(() => metalDensityKgM3(400), 'ERR-PHYS-RANGE', 'metalTempC');
  });
});
