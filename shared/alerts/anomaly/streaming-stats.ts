/**
 * Streaming statistics the anomaly detectors are built from: a time-constant EWMA, a one-sided CUSUM integrated
 * over time (so the alarm does not depend on the sampling rate), and a robust z-score over a ring buffer
 * (median and MAD, 1.4826·MAD ≈ σ for Gaussian data: Rousseeuw & Croux 1993). No allocation per sample.
 */

/** Exponentially weighted mean with a time constant, robust to irregular sampling. */
export class Ewma {
  private mean: number | undefined;
  private lastMs = 0;

  constructor(private readonly timeConstantS: number) {}

  update(value: number, tsMs: number): number {
    if (this.mean === undefined) {
      this.mean = value;
    } else {
      const dtS = Math.max(0, (tsMs - this.lastMs) / 1000);
      const alpha = 1 - Math.exp(-dtS / this.timeConstantS);
      this.mean += alpha * (value - this.mean);
    }
    this.lastMs = tsMs;
    return this.mean;
  }

  get value(): number | undefined {
    return this.mean;
  }
}

/** One-sided CUSUM over time: S ← max(0, S + (x − k)·dt); alarms while S > h. */
export class TimeCusum {
  private sum = 0;
  private lastMs: number | undefined;

  constructor(
    /** Allowance: deviations below k are normal, in the signal's unit. */
    private readonly k: number,
    /** Decision interval, signal unit × seconds. */
    private readonly h: number,
  ) {}

  /** Adds a deviation; true while the accumulated excess is past the decision interval. */
  update(deviation: number, tsMs: number): boolean {
    const dtS = this.lastMs === undefined ? 0 : Math.max(0, (tsMs - this.lastMs) / 1000);
    this.lastMs = tsMs;
    this.sum = Math.max(0, this.sum + (deviation - this.k) * dtS);
    return this.sum > this.h;
  }

  reset(): void {
    this.sum = 0;
  }

  get statistic(): number {
    return this.sum;
  }
}

/** Robust z-score of a value against the last `size` values (the value itself joins the window after scoring). */
export class RobustWindow {
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;
  private count = 0;
  private next = 0;

  constructor(size: number) {
    this.ring = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }

  get full(): boolean {
    return this.count === this.ring.length;
  }

  /** z = (x − median)/(1.4826·MAD), with `minScale` as the smallest scale so a flat history cannot divide by ~0. */
  score(value: number, minScale: number): number {
    if (this.count < 3) return 0;
    const n = this.count;
    const s = this.scratch.subarray(0, n);
    s.set(this.ring.subarray(0, n));
    s.sort();
    const median = medianOfSorted(s);
    for (let i = 0; i < n; i++) s[i] = Math.abs(s[i]! - median);
    s.sort();
    const scale = Math.max(1.4826 * medianOfSorted(s), minScale);
    return (value - median) / scale;
  }

  push(value: number): void {
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
  }
}

function medianOfSorted(s: Float64Array): number {
  const n = s.length;
  const mid = n >> 1;
  return n % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
