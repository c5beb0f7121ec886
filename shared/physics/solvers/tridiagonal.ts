/**
 * Thomas algorithm for tridiagonal systems a_i·x_{i−1} + b_i·x_i + c_i·x_{i+1} = d_i, i = 0..n−1
 * (a_0 and c_{n−1} ignored). Works in caller-provided scratch (`cp`), allocation-free; the solution overwrites `d`.
 * Stable without pivoting for diagonally dominant systems, which every implicit FV operator here produces.
 */
export function solveTridiagonalInPlace(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  d: Float64Array,
  n: number,
  cp: Float64Array,
): void {
  let beta = b[0]!;
  d[0] = d[0]! / beta;
  for (let i = 1; i < n; i++) {
    cp[i - 1] = c[i - 1]! / beta;
    beta = b[i]! - a[i]! * cp[i - 1]!;
    d[i] = (d[i]! - a[i]! * d[i - 1]!) / beta;
  }
  for (let i = n - 2; i >= 0; i--) d[i] = d[i]! - cp[i]! * d[i + 1]!;
}
