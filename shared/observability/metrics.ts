/**
 * In-process counters and latency samples. The ingest and API paths record into it; the local console reads it,
 * and in Azure the same figures travel as structured log properties to Application Insights.
 */
export class Counter {
  private readonly values = new Map<string, number>();
  add(key: string, n = 1): void {
    this.values.set(key, (this.values.get(key) ?? 0) + n);
  }
  get(key: string): number {
    return this.values.get(key) ?? 0;
  }
  total(): number {
    let t = 0;
    for (const v of this.values.values()) t += v;
    return t;
  }
  entries(): [string, number][] {
    return [...this.values.entries()].sort((a, b) => b[1] - a[1]);
  }
}

/** Keeps the last `capacity` samples (a ring) for percentiles over recent traffic. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private count = 0;
  constructor(capacity = 20_000) {
    this.samples = new Float64Array(capacity);
  }
  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.count < this.samples.length) this.count++;
  }
  size(): number {
    return this.count;
  }
  /** The q-quantile (0..1) of the recorded samples by nearest rank; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const sorted = this.samples.slice(0, this.count).sort();
    const rank = Math.min(this.count - 1, Math.max(0, Math.ceil(q * this.count) - 1));
    return sorted[rank]!;
  }
}

/** Percentiles p50/p95/p99 of an array of samples (nearest rank). */
export function percentiles(samples: ArrayLike<number>): { p50: number; p95: number; p99: number; n: number } {
  const w = new LatencyWindow(Math.max(1, samples.length));
  for (let i = 0; i < samples.length; i++) w.record(samples[i]!);
  return { p50: w.quantile(0.5), p95: w.quantile(0.95), p99: w.quantile(0.99), n: samples.length };
}
