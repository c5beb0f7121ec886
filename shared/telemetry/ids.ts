import { z } from 'zod';

/** A cell id as the plant names it (`L1-C001`), or a line's pseudo-cell for line-level tags (`L1-LINE`). */
export const CellId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "-" or "_", e.g. L1-C001');

/** A line id as the plant names it (`L1`). */
export const LineId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_]{0,31}$/, 'must be 1–32 letters, digits or "_", e.g. L1');

/** Path parameters of the per-cell routes. */
export const CellPath = z.object({ cellId: CellId });
