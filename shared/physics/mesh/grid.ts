/**
 * Structured finite-volume meshes. A Grid1D is a list of cell faces x₀ < x₁ < … < x_n (cell i spans
 * [x_i, x_{i+1}]); a Grid2D is the tensor product of two Grid1D (cell (i, j) has linear index j·nx + i, i along x).
 * 2D problems are per unit depth (1 m) unless the caller scales them. Degenerate meshes throw ERR-PHYS-GRID.
 */
import { PhysicsError } from '../errors.js';

export interface Grid1D {
  readonly n: number;
  /** Face coordinates, length n + 1, strictly increasing, m. */
  readonly faces: Float64Array;
  /** Cell-centre coordinates, length n, m. */
  readonly centers: Float64Array;
  /** Cell widths, length n, m. */
  readonly widths: Float64Array;
  /** Total length, m. */
  readonly length: number;
}

export interface Grid2D {
  readonly x: Grid1D;
  readonly y: Grid1D;
  readonly nx: number;
  readonly ny: number;
  /** nx·ny cells. */
  readonly size: number;
}

/** Builds a 1D grid from face coordinates (validated: ≥ 2 faces, finite, strictly increasing). */
export function gridFromFaces(faces: ArrayLike<number>, quantity = 'grid'): Grid1D {
  const n = faces.length - 1;
  if (!(n >= 1))
    throw new PhysicsError(
      'ERR-PHYS-GRID',
      quantity,
      `a grid needs at least one cell (two faces), got ${faces.length} faces`,
    );
  const f = Float64Array.from(faces);
  const centers = new Float64Array(n);
  const widths = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = f[i]!;
    const b = f[i + 1]!;
    if (!Number.isFinite(a) || !Number.isFinite(b))
      throw new PhysicsError('ERR-PHYS-GRID', quantity, `face ${i} is not finite`);
    const w = b - a;
    if (!(w > 0))
      throw new PhysicsError(
        'ERR-PHYS-GRID',
        quantity,
        `faces must be strictly increasing (cell ${i} has width ${w})`,
        w,
      );
    widths[i] = w;
    centers[i] = 0.5 * (a + b);
  }
  return { n, faces: f, centers, widths, length: f[n]! - f[0]! };
}

/** Uniform grid of n cells on [start, start + length]. */
export function uniformGrid(length: number, n: number, start = 0, quantity = 'grid'): Grid1D {
  if (!Number.isInteger(n) || n < 1)
    throw new PhysicsError('ERR-PHYS-GRID', `${quantity}.cells`, `cell count must be an integer ≥ 1, got ${n}`, n);
  if (!Number.isFinite(length) || !(length > 0))
    throw new PhysicsError(
      'ERR-PHYS-GRID',
      `${quantity}.length`,
      `length must be finite and > 0, got ${length}`,
      length,
    );
  const faces = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) faces[i] = start + (length * i) / n;
  return gridFromFaces(faces, quantity);
}

export interface LayerSpec {
  /** Layer thickness, m. */
  thicknessM: number;
  /** Cells in this layer (≥ 1). */
  cells: number;
}

/** Grid whose cell faces fall on layer interfaces; uniform spacing inside each layer. */
export function layeredGrid(layers: readonly LayerSpec[], start = 0, quantity = 'grid'): Grid1D {
  if (layers.length === 0) throw new PhysicsError('ERR-PHYS-GRID', quantity, 'at least one layer is required');
  const faces: number[] = [start];
  let x = start;
  layers.forEach((l, k) => {
    if (!Number.isInteger(l.cells) || l.cells < 1)
      throw new PhysicsError(
        'ERR-PHYS-GRID',
        `${quantity}.layers.${k}.cells`,
        `cells must be an integer ≥ 1, got ${l.cells}`,
        l.cells,
      );
    if (!Number.isFinite(l.thicknessM) || !(l.thicknessM > 0))
      throw new PhysicsError(
        'ERR-PHYS-GRID',
        `${quantity}.layers.${k}.thicknessM`,
        `thickness must be > 0, got ${l.thicknessM}`,
        l.thicknessM,
      );
    for (let c = 1; c <= l.cells; c++) faces.push(x + (l.thicknessM * c) / l.cells);
    x += l.thicknessM;
  });
  return gridFromFaces(faces, quantity);
}

export function grid2D(x: Grid1D, y: Grid1D): Grid2D {
  return { x, y, nx: x.n, ny: y.n, size: x.n * y.n };
}

/** A single-row 2D grid: how the solvers treat 1D problems (one cell of unit height, no y faces). */
export function grid1DAs2D(x: Grid1D): Grid2D {
  return grid2D(x, gridFromFaces([0, 1]));
}

/** Index of the cell containing coordinate v (clamped to the grid). */
export function locate(g: Grid1D, v: number): number {
  let lo = 0;
  let hi = g.n - 1;
  if (v <= g.faces[0]!) return 0;
  if (v >= g.faces[g.n]!) return g.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.faces[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
