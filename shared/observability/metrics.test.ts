import { describe, expect, it } from 'vitest';
import { Counter, LatencyWindow, percentiles } from './metrics.js';

describe('LatencyWindow', () => {
  it('reports nearest-rank quantiles of what was recorded', () => {
    const w = new LatencyWindow(1000);
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.quantile(0.5)).toBe(50);
    expect(w.quantile(0.95)).toBe(95);
    expect(w.quantile(0.99)).toBe(99);
  });

  it('forgets the oldest samples once full', () => {
    const w = new LatencyWindow(10);
    for (let i = 0; i < 10; i++) w.record(1000);
    for (let i = 0; i < 10; i++) w.record(1);
    expect(w.quantile(0.99)).toBe(1);
    expect(w.size()).toBe(10);
  });

  it('is NaN when nothing was recorded rather than a made-up zero', () => {
    expect(Number.isNaN(new LatencyWindow().quantile(0.5))).toBe(true);
  });
});

describe('Counter', () => {
  it('sums by key and in total', () => {
    const c = new Counter();
    c.add('MALFORMED_JSON');
    c.add('DUPLICATE', 3);
    c.add('MALFORMED_JSON');
    expect(c.get('MALFORMED_JSON')).toBe(2);
    expect(c.total()).toBe(5);
    expect(c.entries()[0]).toEqual(['DUPLICATE', 3]);
  });
});

describe('percentiles', () => {
  it('computes p50/p95/p99 over an array', () => {
    const p = percentiles(Array.from({ length: 200 }, (_, i) => 200 - i));
    expect(p).toEqual({ p50: 100, p95: 190, p99: 198, n: 200 });
  });
});
