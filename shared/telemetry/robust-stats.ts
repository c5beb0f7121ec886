/** 1.4826 · MAD estimates σ for Gaussian noise (Rousseeuw & Croux 1993, consistency constant 1/Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Median and MAD of `values[0..n)` using `scratch` (length ≥ n) as work space; no allocation.
 * Returns the median and writes the MAD into `out[0]`.
 */
export function medianAndMad(values: Float64Array, n: number, scratch: Float64Array, out: Float64Array): number {
  const s = scratch.subarray(0, n);
  s.set(values.subarray(0, n));
  s.sort();
  const median = middle(s, n);
  for (let i = 0; i < n; i++) s[i] = Math.abs(s[i]! - median);
  s.sort();
  out[0] = middle(s, n);
  return median;
}

function middle(sorted: Float64Array, n: number): number {
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
