/**
 * What cleansing needs to know of the plant: which equipment it has, and per line which tags its sources send. A
 * plant names its sensors in its own historian's terms (`POT_VOLTAGE_MV`, a Sparkplug metric name); the line's tag
 * map says which canonical tag each one is, in which unit it arrives, and where the line's physical range and
 * sampling interval differ from the tag catalogue's. Built from the plant model by whoever holds it (the composition
 * root: shared/plant/tag-resolver.ts), so telemetry never reads the plant model itself.
 */
import { DomainError } from '../kernel/errors.js';
import { tagSpec, type Tag, type TagSpec } from './tag-catalogue.js';
import { resolveUnit } from './units.js';

/** One entry of a line's tag map, as the plant model states it (shared/plant/schema.ts TagMapping). */
export interface LineTagMapping {
  /** The plant's own tag name or Sparkplug metric name. */
  plantTag: string;
  /** The canonical tag it is. */
  tag: Tag;
  /** The unit the plant sends it in. */
  unit: string;
  /** The line's physical range, in the canonical tag's unit, where it differs from the catalogue's. */
  minValue?: number | undefined;
  maxValue?: number | undefined;
  /** The line's sampling interval, ms, where it differs from the catalogue's. */
  intervalMs?: number | undefined;
}

/** A line of the plant: its equipment (cells and `<line>-LINE`) and its tag map. */
export interface PlantLineTags {
  lineId: string;
  /** Cell ids of the line; its `<line>-LINE` pseudo-cell is implied. */
  cellIds: readonly string[];
  tagMap: readonly LineTagMapping[];
}

/** Why a point's equipment is not accepted: the id and a detail a person can act on. */
export interface UnknownEquipment {
  field: 'lineId' | 'cellId';
  detail: string;
}

/** The port cleansing resolves equipment and tags through (parse-body.ts). */
export interface TagResolver {
  /** Names the plant model version it was built from (for logs and quarantine details). */
  readonly version: string;
  /** Undefined when the plant has this cell (or the line of `<line>-LINE`); else why not. */
  unknownEquipment(lineId: string, cellId: string): UnknownEquipment | undefined;
  /**
   * The spec to cleanse a tag of this line with: for a plant tag of the line's map, its canonical tag's spec with the
   * line's range and interval; for a canonical tag, the catalogue's (with the line's range and interval when the line
   * maps it); undefined for a tag neither knows.
   */
  spec(lineId: string, tag: string): TagSpec | undefined;
}

/** A mapping the tag catalogue cannot honour: a unit it does not convert from. */
export class TagMapError extends DomainError {
  constructor(
    readonly lineId: string,
    readonly plantTag: string,
    message: string,
  ) {
    super('invalid-input', 'ERR-TELEMETRY-TAG-MAP-UNIT', message, 'tagMap');
  }
}

const LINE_SUFFIX = '-LINE';

/**
 * The catalogue alone, accepting every equipment: what a consumer that does not judge equipment uses (the alert and
 * read-back consumers before they are given the plant's resolver; tools reading the lake).
 */
export const CATALOGUE_TAGS: TagResolver = Object.freeze({
  version: 'catalogue',
  unknownEquipment: () => undefined,
  spec: (_lineId: string, tag: string) => tagSpec(tag),
});

/**
 * A resolver for a plant that has no model in force: it knows no equipment, so every point is quarantined
 * (UNKNOWN_EQUIPMENT, with `reason` in its detail) and none reaches silver, gold or the hot state until a model is.
 */
export function noPlantResolver(reason: string): TagResolver {
  return Object.freeze({
    version: 'none',
    unknownEquipment: (_lineId: string, cellId: string) => ({
      field: 'cellId' as const,
      detail: `equipment ${cellId} cannot be judged: ${reason}`,
    }),
    spec: (_lineId: string, tag: string) => tagSpec(tag),
  });
}

/**
 * Builds the resolver of a plant's lines; throws TagMapError for a mapping whose unit the catalogue does not convert
 * from (the plant model's validation refuses such a model first).
 */
export function buildTagResolver(version: string, lines: readonly PlantLineTags[]): TagResolver {
  const cells = new Set<string>();
  const specsByLine = new Map<string, Map<string, TagSpec>>();
  for (const line of lines) {
    for (const cellId of line.cellIds) cells.add(cellId);
    if (line.tagMap.length === 0) continue;
    const specs = new Map<string, TagSpec>();
    for (const m of line.tagMap) {
      const catalogue = tagSpec(m.tag)!;
      if (!resolveUnit(catalogue, m.unit))
        throw new TagMapError(
          line.lineId,
          m.plantTag,
          `line ${line.lineId}: plant tag "${m.plantTag}" arrives in "${m.unit}", which ${m.tag} cannot be converted from (accepted: ${[catalogue.canonicalUnit, ...Object.keys(catalogue.conversions)].join(', ')})`,
        );
      const spec = lineSpec(catalogue, m);
      specs.set(m.tag, spec);
      specs.set(m.plantTag, spec);
    }
    specsByLine.set(line.lineId, specs);
  }
  const lineIds = new Set(lines.map((l) => l.lineId));
  return Object.freeze({
    version,
    unknownEquipment(lineId: string, cellId: string): UnknownEquipment | undefined {
      if (cellId.endsWith(LINE_SUFFIX) && cellId.length === lineId.length + LINE_SUFFIX.length) {
        if (lineIds.has(lineId)) return undefined;
        return { field: 'lineId', detail: `line ${lineId} is not in the plant model (version ${version})` };
      }
      if (cells.has(cellId)) return undefined;
      return lineIds.has(lineId)
        ? {
            field: 'cellId',
            detail: `cell ${cellId} is not a cell of line ${lineId} in the plant model (version ${version})`,
          }
        : { field: 'lineId', detail: `line ${lineId} (cell ${cellId}) is not in the plant model (version ${version})` };
    },
    spec(lineId: string, tag: string): TagSpec | undefined {
      return specsByLine.get(lineId)?.get(tag) ?? tagSpec(tag);
    },
  });
}

/** The catalogue's spec with the line's range and interval; the same index, so the sensor's state is one. */
function lineSpec(catalogue: TagSpec, m: LineTagMapping): TagSpec {
  if (m.minValue === undefined && m.maxValue === undefined && m.intervalMs === undefined) return catalogue;
  return Object.freeze({
    ...catalogue,
    minValue: m.minValue ?? catalogue.minValue,
    maxValue: m.maxValue ?? catalogue.maxValue,
    expectedIntervalMs: m.intervalMs ?? catalogue.expectedIntervalMs,
  });
}
