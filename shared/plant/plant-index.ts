/**
 * A plant model indexed for the questions every part asks: which line a cell or rectifier belongs to, its
 * technology, its safety-envelope limits, its optimiser windows, its tag map. Built once per model version.
 */
import { createHash } from 'node:crypto';
import type { EnvelopeLimits } from './envelope-limits.js';
import type { CellTechnology, PlantArea, PlantCell, PlantLine, PlantModel, TagMapping } from './schema.js';

/** Suffix of a line's pseudo-cell id: its rectifier, and the sensors of the line as a whole (DESIGN §4). */
const LINE_SUFFIX = '-LINE';

export interface LineEntry {
  area: PlantArea;
  line: PlantLine;
  technology: CellTechnology;
}

export class PlantIndex {
  readonly #lines = new Map<string, LineEntry>();
  readonly #cells = new Map<string, { line: LineEntry; cell: PlantCell }>();
  readonly #tags = new Map<string, Map<string, TagMapping>>();

  /**
   * @param model a parsed model (parsePlantModel)
   * @param version what names this version: the store's ETag, or for a model read from a file its content hash
   */
  constructor(
    readonly model: PlantModel,
    readonly version: string = contentVersion(model),
  ) {
    for (const area of model.areas) {
      for (const line of area.lines) {
        const entry = { area, line, technology: model.technologies[line.technology]! };
        this.#lines.set(line.lineId, entry);
        for (const cell of line.cells) this.#cells.set(cell.cellId, { line: entry, cell });
        this.#tags.set(line.lineId, new Map(line.tagMap.map((t) => [t.plantTag, t])));
      }
    }
  }

  /** Every line, in model order. */
  lines(): LineEntry[] {
    return [...this.#lines.values()];
  }

  line(lineId: string): LineEntry | undefined {
    return this.#lines.get(lineId);
  }

  /** A cell and its line; undefined for a cell the plant does not have. */
  cell(cellId: string): { line: LineEntry; cell: PlantCell } | undefined {
    return this.#cells.get(cellId);
  }

  /** The line of a piece of equipment: a cell, or a line's rectifier `<line>-LINE`; undefined when unknown. */
  lineOfEquipment(equipmentId: string): LineEntry | undefined {
    if (equipmentId.endsWith(LINE_SUFFIX)) return this.#lines.get(equipmentId.slice(0, -LINE_SUFFIX.length));
    return this.#cells.get(equipmentId)?.line;
  }

  /** True when the plant has this cell, or this line (for `<line>-LINE`). */
  knowsEquipment(equipmentId: string): boolean {
    return this.lineOfEquipment(equipmentId) !== undefined;
  }

  /** The safety-envelope limits of the equipment's line; undefined for equipment the plant does not have. */
  envelopeLimitsFor(equipmentId: string): EnvelopeLimits | undefined {
    return this.lineOfEquipment(equipmentId)?.line.envelope;
  }

  /** The line's mapping of a plant tag (or Sparkplug metric name); undefined when the line does not map it. */
  tagMapping(lineId: string, plantTag: string): TagMapping | undefined {
    return this.#tags.get(lineId)?.get(plantTag);
  }
}

/** A version name for a model with no store ETag: the first 16 hex digits of the SHA-256 of its JSON. */
export function contentVersion(model: PlantModel): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(model)).digest('hex').slice(0, 16)}`;
}
