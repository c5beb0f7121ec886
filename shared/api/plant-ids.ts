/**
 * Ids in a request checked against the plant model in force: a cell or line the plant does not have is answered
 * 404 (in the path) or 400 (in a body) naming the field, instead of an empty answer that looks like a quiet cell.
 */
import { ApiError } from '../http/errors.js';
import type { RouteSpec } from '../http/route-spec.js';
import type { PlantIndex } from '../plant/plant-index.js';

/** The plant model as the API reads it (PlantModelSource). */
export interface CurrentPlant {
  current(): Promise<PlantIndex>;
}

/** Throws 404 for the first path parameter of `route.plantIds` that the plant model does not have. */
export async function checkPlantIdsInPath(route: RouteSpec, params: unknown, plant: CurrentPlant): Promise<void> {
  if (!route.plantIds) return;
  const index = await plant.current();
  const values = (params ?? {}) as Record<string, unknown>;
  for (const [name, kind] of Object.entries(route.plantIds)) {
    const id = String(values[name]);
    const known = kind === 'cell' ? index.cell(id) !== undefined : index.line(id) !== undefined;
    if (!known)
      throw new ApiError(
        'notFound',
        `${kind === 'cell' ? 'Cell' : 'Line'} ${id} is not in plant model ${index.version} (${describeLines(index)}). Check the id; a new ${kind} is added to the plant model (v1/plant) first.`,
        [{ field: `path.${name}`, issue: `no such ${kind} in the plant model` }],
      );
  }
}

/** The line of a request body, which must be a line of the plant model: 400 naming `field` when it is not. */
export function requireLineInBody(index: PlantIndex, lineId: string, field: string): void {
  if (!index.line(lineId))
    throw new ApiError(
      'invalidInput',
      `Line ${lineId} is not in plant model ${index.version} (${describeLines(index)}).`,
      [{ field, issue: 'no such line in the plant model' }],
    );
}

/** Cell ids of a request body (e.g. constraints), which must be cells of `lineId` in the plant model: 400 naming the first that is not. */
export function requireCellsOfLine(
  index: PlantIndex,
  lineId: string,
  cells: readonly { cellId: string; field: string }[],
): void {
  for (const { cellId, field } of cells) {
    const found = index.cell(cellId);
    if (found?.line.line.lineId !== lineId)
      throw new ApiError(
        'invalidInput',
        `${cellId} is not a cell of line ${lineId} in plant model ${index.version}${found ? ` (it is on ${found.line.line.lineId})` : ''}.`,
        [{ field, issue: `not a cell of line ${lineId}` }],
      );
  }
}

function describeLines(index: PlantIndex): string {
  const lines = index.lines().map((l) => l.line.lineId);
  return `its lines are ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? ', …' : ''}`;
}

/** The cell ids of user constraints, each with the body field that holds it. */
export function cellIdsOf(
  constraints: readonly ({ scope: 'cell'; cellId: string } | { scope: 'line' })[],
  path: string,
): { cellId: string; field: string }[] {
  return constraints.flatMap((c, i) =>
    c.scope === 'cell' ? [{ cellId: c.cellId, field: `${path}.${i}.cellId` }] : [],
  );
}
