import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../telemetry/test-support.js';
import { Ewma, RobustWindow, TimeCusum } from './streaming-stats.js';

describe('streaming statistics', () => {
  it('EWMA reaches 1 − 1/e of a step after one time constant, whatever the sampling', () => {
    for (const dtMs of [100, 1000, 10_000]) {
      const e = new Ewma(60);
      e.update(0, 0);
      let v = 0;
      for (let t = dtMs; t <= 60_000; t += dtMs) v = e.update(1, t);
      expect(v).toBeCloseTo(1 - Math.exp(-1), 6);
    }
  });

  it('CUSUM ignores deviations inside the allowance and alarms on a sustained shift after h / (shift − k) seconds', () => {
    // Binary-exact values, so the crossing second is exact: (0.375 − 0.125)·s > 30 first at s = 121.
    const c = new TimeCusum(0.125, 30);
    for (let t = 0; t <= 3_600_000; t += 1000) expect(c.update(0.12, t)).toBe(false);
    let alarmAtS = -1;
    for (let s = 1; s <= 1000 && alarmAtS < 0; s++) if (c.update(0.375, 3_600_000 + s * 1000)) alarmAtS = s;
    expect(alarmAtS).toBe(121);
  });

  it('robust z-score is not moved by outliers in its window', () => {
    const rng = mulberry32(11);
    const w = new RobustWindow(101);
    for (let i = 0; i < 101; i++) w.push(i % 10 === 0 ? 1000 : 10 + (rng() - 0.5));
    expect(Math.abs(w.score(10, 1e-9))).toBeLessThan(1);
    expect(w.score(15, 1e-9)).toBeGreaterThan(10);
  });
});
