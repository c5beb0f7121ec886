import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../errors.js';
import { DEFAULT_SIDEWALL, sidewallLedge } from './sidewall.js';

describe('steady side-wall ledge balance', () => {
  it('single steel layer, hand computed: q = 600·10 = 6000 W/m², δ = 1.5·(940/6000 − 0.02/40 − 1/20) = 0.159 m', () => {
    const r = sidewallLedge({
      bathTempC: 970,
      liquidusC: 960,
      bathToLedgeWPerM2K: 600,
      ledgeConductivityWPerMK: 1.5,
      wallLayers: [{ thicknessM: 0.02, conductivityWPerMK: 40 }],
      shellToAirWPerM2K: 20,
      ambientC: 20,
    });
    expect(r.heatFluxWPerM2).toBeCloseTo(6000, 9);
    expect(r.ledgeThicknessM).toBeCloseTo(1.5 * (940 / 6000 - 0.0005 - 0.05), 12);
    expect(r.ledgeThicknessM).toBeCloseTo(0.15925, 5);
    // shell = 20 + 6000/20 = 320 °C; ledge cold face = 960 − 6000·0.15925/1.5 = 323 °C
    expect(r.shellSurfaceC).toBeCloseTo(320, 9);
    expect(r.temperatureC[1]).toBeCloseTo(323, 9);
    expect(r.positionsM).toHaveLength(3);
    expect(r.temperatureC[0]).toBe(960);
  });
  it('the ledge thins as superheat rises, and vanishes when the wall alone carries the flux', () => {
    const p = {
      liquidusC: 960,
      bathToLedgeWPerM2K: 600,
      ledgeConductivityWPerMK: 1.5,
      wallLayers: [{ thicknessM: 0.02, conductivityWPerMK: 40 }],
      shellToAirWPerM2K: 20,
      ambientC: 20,
    };
    expect(sidewallLedge({ ...p, bathTempC: 965 }).ledgeThicknessM).toBeGreaterThan(
      sidewallLedge({ ...p, bathTempC: 975 }).ledgeThicknessM,
    );
    // δ = 0 when 940/q = 0.0505 → q = 18614 W/m² → superheat 31.02 K; at 40 K no ledge
    const hot = sidewallLedge({ ...p, bathTempC: 1000 });
    expect(hot.ledgePresent).toBe(false);
    expect(hot.ledgeThicknessM).toBe(0);
    // q = (1000 − 20)/(1/600 + 0.0005 + 0.05) = 18,375 W/m²; inner face = 1000 − q/600 = 969.4 °C > liquidus
    expect(hot.heatFluxWPerM2).toBeCloseTo(980 / (1 / 600 + 0.0505), 6);
    expect(hot.innerFaceC).toBeGreaterThan(960);
  });
  it('base cell side wall: ≈ 0.145 m ledge at 3.91 K superheat', () => {
    const r = sidewallLedge({ ...DEFAULT_SIDEWALL, bathTempC: 963, liquidusC: 959.0898706 });
    expect(r.heatFluxWPerM2).toBeCloseTo(600 * 3.9101294, 4);
    expect(r.ledgeThicknessM).toBeGreaterThan(0.13);
    expect(r.ledgeThicknessM).toBeLessThan(0.16);
  });
  it('liquidus from the bath chemistry', () => {
    const r = sidewallLedge({
      ...DEFAULT_SIDEWALL,
      bathTempC: 963,
      bath: { aluminaPct: 2.5, alf3Pct: 12, caf2Pct: 4.1, mgf2Pct: 0.25, lifPct: 0 },
    });
    expect(r.liquidusC).toBeCloseTo(959.0898706, 6);
  });
  it('bath at or below liquidus, missing liquidus, bad layers: typed errors', () => {
    const codes = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(PhysicsError);
        return (e as PhysicsError).quantity;
      }
      return 'none';
    };
    expect(codes(() => sidewallLedge({ ...DEFAULT_SIDEWALL, bathTempC: 950, liquidusC: 959 }))).toBe('superheatK');
    expect(codes(() => sidewallLedge({ ...DEFAULT_SIDEWALL, bathTempC: 963 }))).toBe('liquidusC');
    expect(
      codes(() =>
        sidewallLedge({
          ...DEFAULT_SIDEWALL,
          bathTempC: 963,
          liquidusC: 959,
          wallLayers: [{ thicknessM: 0, conductivityWPerMK: 1 }],
        }),
      ),
    ).toBe('wallLayers.0.thicknessM');
  });
});
