import { describe, expect, it } from 'vitest';
import { aluminaConsumptionKgPerS } from '../constants.js';
import { PhysicsError } from '../errors.js';
import { grid2D, uniformGrid } from '../mesh/grid.js';
import { AluminaModel, BASE_ALUMINA_LAYOUT, timeToAnodeEffect } from './alumina.js';
import { ScalarTransport2D } from './transport.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = {
  ...BASE_ALUMINA_LAYOUT,
  feeders: [...BASE_ALUMINA_LAYOUT.feeders],
  nx: 47,
  ny: 14,
  bathMassKg: 1800,
  bathDensityKgM3: 2100,
  initialAluminaPct: 2.5,
};

describe('Fick transport verification', () => {
  it('Gaussian spreading: σ² = σ₀² + 2Dt in 1D, peak falls as σ₀/σ', () => {
    const n = 400;
    const L = 4;
    const D = 1e-3;
    const g = grid2D(uniformGrid(L, n), uniformGrid(1, 1));
    const t = new ScalarTransport2D(g);
    t.cap.fill(1);
    const h = L / n;
    for (let i = 0; i < n - 1; i++) t.gx[i] = D / h; // cap = 1 per cell ⇒ content density 1/h; conductance D/h · (1/h)·h
    for (let i = 0; i < n; i++) t.cap[i] = h;
    for (let i = 0; i < n - 1; i++) t.gx[i] = D / h;
    const s0 = 0.1;
    for (let i = 0; i < n; i++) t.c[i] = Math.exp(-((g.x.centers[i]! - 2) ** 2) / (2 * s0 * s0));
    const m0 = t.content();
    t.theta = 0.5;
    const T = 20;
    for (let s = 0; s < 200; s++) t.step(T / 200);
    let m2 = 0;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      m2 += h * t.c[i]! * (g.x.centers[i]! - 2) ** 2;
      peak = Math.max(peak, t.c[i]!);
    }
    const varNum = m2 / t.content();
    expect(varNum).toBeCloseTo(s0 * s0 + 2 * D * T + (h * h) / 12 - 0 * h, 4); // cell averaging adds h²/12 at most
    expect(Math.abs(varNum - (s0 * s0 + 2 * D * T))).toBeLessThan(1e-4);
    expect(peak).toBeCloseTo(s0 / Math.sqrt(s0 * s0 + 2 * D * T), 3);
    expect(t.content()).toBeCloseTo(m0, 12);
  });

  it('2D Gaussian spreads isotropically: σ_x² = σ_y² = σ₀² + 2Dt', () => {
    const n = 101;
    const L = 2;
    const D = 2e-3;
    const g = grid2D(uniformGrid(L, n), uniformGrid(L, n));
    const t = new ScalarTransport2D(g);
    const h = L / n;
    t.cap.fill(h * h);
    for (let k = 0; k < g.size; k++) {
      if (k % n < n - 1) t.gx[k] = D;
      if (k < n * (n - 1)) t.gy[k] = D;
    }
    const s0 = 0.08;
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++)
        t.c[j * n + i] = Math.exp(-((g.x.centers[i]! - 1) ** 2 + (g.y.centers[j]! - 1) ** 2) / (2 * s0 * s0));
    const T = 10;
    for (let s = 0; s < 100; s++) t.step(T / 100);
    let mx = 0;
    let my = 0;
    const tot = t.content();
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const w = h * h * t.c[j * n + i]!;
        mx += w * (g.x.centers[i]! - 1) ** 2;
        my += w * (g.y.centers[j]! - 1) ** 2;
      }
    const expected = s0 * s0 + 2 * D * T;
    expect(mx / tot).toBeCloseTo(expected, 3);
    expect(my / tot).toBeCloseTo(expected, 3);
  });
});

describe('alumina model', () => {
  it('mass conservation: Σ alumina − initial = fed − consumed to round-off (with advection, random shots)', () => {
    const rnd = seeded(7);
    const m = new AluminaModel({ ...base, circulationMPerS: 0.05 });
    const m0 = m.totalAluminaKg();
    for (let s = 0; s < 2000; s++) {
      if (rnd() < 0.08) m.feed(5.8 * (0.5 + rnd()));
      m.step(1 + 9 * rnd(), 126000 * (0.9 + 0.2 * rnd()), 0.945);
    }
    const balance = m.totalAluminaKg() - (m0 + m.fedKg - m.consumedKg);
    expect(Math.abs(balance)).toBeLessThan(1e-10 * m0);
  });

  it('Faraday consumption: 126 kA at CE 0.945 consumes 75.5 kg/h of Al2O3', () => {
    expect(aluminaConsumptionKgPerS(126000, 0.945) * 3600).toBeCloseTo(75.5, 1);
    const m = new AluminaModel({ ...base, initialAluminaPct: 8 });
    for (let s = 0; s < 360; s++) m.step(10, 126000, 0.945);
    expect(m.consumedKg).toBeCloseTo(aluminaConsumptionKgPerS(126000, 0.945) * 3600, 6);
    expect(m.consumptionDeficitKg).toBe(0);
    // 8 % − 75.496/1800·100 = 3.8058 %, uniform because consumption is uniform here
    expect(m.stats().meanPct).toBeCloseTo(8 - (aluminaConsumptionKgPerS(126000, 0.945) * 3600 * 100) / 1800, 8);
    expect(m.stats().maxPct - m.stats().minPct).toBeLessThan(1e-9);
    // a 2.5 % bath holds only 45 kg: the deficit is reported, never a negative concentration
    const lean = new AluminaModel(base);
    for (let s = 0; s < 360; s++) lean.step(10, 126000, 0.945);
    expect(lean.consumptionDeficitKg).toBeGreaterThan(0);
    expect(lean.stats().minPct).toBeGreaterThan(-1e-12);
  });

  it('shots: 60 % dissolves at once, the rest with k = 0.002 1/s', () => {
    const m = new AluminaModel(base);
    const before = m.dissolvedKg();
    m.feed(5.8, 0);
    expect(m.dissolvedKg() - before).toBeCloseTo(0.6 * 5.8, 10);
    for (let s = 0; s < 50; s++) m.step(10, 1e-9, 0.945); // no current: dissolution only
    expect(m.undissolvedKg[0]).toBeCloseTo(0.4 * 5.8 * Math.exp(-0.002 * 500), 9);
  });

  it('feed stop: time to anode effect ≈ lumped estimate (2.5 → 1.8 % of 1800 kg at 75.5 kg/h ≈ 600 s)', () => {
    const m = new AluminaModel(base);
    const r = timeToAnodeEffect(m, {
      currentA: 126000,
      currentEfficiency: 0.945,
      aluminaAtAnodeEffectPct: 1.8,
      criterion: 'mean',
    });
    expect(r.lumpedEstimateS).toBeCloseTo((0.007 * 1800) / aluminaConsumptionKgPerS(126000, 0.945), 6);
    expect(r.lumpedEstimateS).toBeCloseTo(600.8, 0);
    expect(r.timeToAnodeEffectS).not.toBeNull();
    expect(Math.abs(r.timeToAnodeEffectS! - r.lumpedEstimateS)).toBeLessThan(6);
  });

  it('feeding near the feeders makes the field non-uniform; alumina near zero never becomes NaN or negative', () => {
    const m = new AluminaModel({ ...base, initialAluminaPct: 0.05 });
    for (let s = 0; s < 200; s++) m.step(5, 126000, 0.945);
    const st = m.stats();
    expect(Number.isFinite(st.minPct)).toBe(true);
    expect(st.minPct).toBeGreaterThan(-1e-12);
    m.feed(5.8);
    expect(m.stats().maxPct).toBeGreaterThan(m.stats().minPct);
  });

  it('typed errors', () => {
    expect(() => new AluminaModel({ ...base, nx: 0 })).toThrow(PhysicsError);
    expect(() => new AluminaModel({ ...base, feeders: [] })).toThrow(PhysicsError);
    expect(() => new AluminaModel({ ...base, feeders: [{ xM: 9, yM: 1 }] })).toThrow(PhysicsError);
    const m = new AluminaModel(base);
    expect(() => m.step(0, 1, 1)).toThrow(PhysicsError);
  });
});
