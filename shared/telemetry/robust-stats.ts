/** 1.4826 · MAD estimates σ for Gaussian noise (Rousseeuw & Croux 1993, consistency constant 1/Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.4826;

/** Median of `sorted[0..n)` (ascending); NaN for n = 0. */
export function medianOfSorted(sorted: Float64Array, n: number): number {
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/**
 * Median absolute deviation of `sorted[0..n)` about `median`, in O(n/2) without allocating: deviations grow
 * outwards from the median on both sides, so merging the two sides yields them in order.
 */
export function madOfSorted(sorted: Float64Array, n: number, median: number): number {
  if (n === 0) return Number.NaN;
  let hi = 0;
  while (hi < n && sorted[hi]! <= median) hi++;
  let lo = hi - 1;
  const want = n >> 1; // 0-based rank of the (upper) middle deviation
  let prev = 0;
  for (let k = 0; k <= want; k++) {
    const dl = lo >= 0 ? median - sorted[lo]! : Number.POSITIVE_INFINITY;
    const dh = hi < n ? sorted[hi]! - median : Number.POSITIVE_INFINITY;
    let d: number;
    if (dl <= dh) {
      d = dl;
      lo--;
    } else {
      d = dh;
      hi++;
    }
    if (k === want) return n % 2 === 1 ? d : (prev + d) / 2;
    prev = d;
  }
  return Number.NaN;
}

/** Inserts v into `sorted[0..n)` keeping order (caller guarantees room). */
export function insertSorted(sorted: Float64Array, n: number, v: number): void {
  let i = n;
  while (i > 0 && sorted[i - 1]! > v) {
    sorted[i] = sorted[i - 1]!;
    i--;
  }
  sorted[i] = v;
}

/** Removes one occurrence of v from `sorted[0..n)`; false when absent. */
export function removeSorted(sorted: Float64Array, n: number, v: number): boolean {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= n || sorted[lo] !== v) return false;
  for (let i = lo; i < n - 1; i++) sorted[i] = sorted[i + 1]!;
  return true;
}
