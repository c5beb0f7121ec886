/**
 * Every cell of a line as ingestion last wrote it: what the control room's potline map starts from before live
 * updates arrive (one request per line instead of one per cell).
 */
import { z } from 'zod';
import { Link } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import { CellStateDoc, type LineStateReader } from '../telemetry/hot-state.js';
import { LineId } from '../telemetry/ids.js';

export const LineCellsPath = z.strictObject({ lineId: LineId });

export const LineCellsView = z.object({
  lineId: z.string(),
  /** The line's cells with telemetry (cells never heard from are absent), and its `<line>-LINE` rectifier, in id order. */
  items: z.array(CellStateDoc),
  links: z.array(Link),
});
export type LineCellsView = z.infer<typeof LineCellsView>;

/** The latest values of every cell of `lineId` (an empty list when none has reported yet). */
export async function lineCellsLatest(deps: { lineState: LineStateReader }, lineId: string): Promise<LineCellsView> {
  const items = await deps.lineState.cellsOfLine(lineId);
  return { lineId, items, links: [{ rel: 'self', href: v1Path(`lines/${lineId}/cells/latest`) }] };
}
