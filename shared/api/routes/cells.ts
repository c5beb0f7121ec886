import { CellStateDoc } from '../../telemetry/hot-state.js';
import { LineCellsPath, LineCellsView } from '../line-cells.js';
import { CellPath } from '../../telemetry/ids.js';
import { v1 } from '../../http/paths.js';
import { defineRoute } from '../../http/route-spec.js';

/** Per-cell reads of what ingestion keeps hot. */
export const cellRoutes = {
  cellLatest: defineRoute({
    name: 'cell-latest',
    method: 'GET',
    path: v1('cells/{cellId}/latest'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration'],
    summary: 'Latest good value of every tag of a cell, as cleansed by ingestion',
    tag: 'cells',
    params: CellPath,
    plantIds: { cellId: 'cell' },
    responses: {
      200: { description: "The cell's latest values", schema: CellStateDoc },
      404: { description: 'No telemetry received for this cell yet' },
    },
  }),
  lineCellsLatest: defineRoute({
    name: 'line-cells-latest',
    method: 'GET',
    path: v1('lines/{lineId}/cells/latest'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration'],
    summary:
      "Latest good values of every cell of a line (and its rectifier), as cleansed by ingestion: the map's start",
    tag: 'cells',
    params: LineCellsPath,
    plantIds: { lineId: 'line' },
    responses: {
      200: { description: "The line's cells with telemetry, in id order", schema: LineCellsView },
      404: { description: 'Not a line of the plant model in force' },
    },
  }),
} as const;
