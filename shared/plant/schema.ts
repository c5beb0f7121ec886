/**
 * The plant model: a smelter described as data (ISA-95 enterprise → site → area (potroom) → line → cell), with each
 * line's cell technology, rectifier ratings, safety-envelope limits, optimiser windows and tag map, and each cell's
 * position in its potroom. The zod schema is the source; plants/plant-model.schema.json is generated from it so an
 * engineer's editor validates while typing. Every part of the product reads the technology and limits it needs from
 * here (shared/plant/plant-index.ts); no technology constant stays in code outside the plant files.
 */
import { z } from 'zod';
import { Constraints } from '../optimize/schema.js';
import { CellId, LineId } from '../telemetry/ids.js';
import { tagSpec, TAGS } from '../telemetry/tag-catalogue.js';
import { resolveUnit } from '../telemetry/units.js';
import { EnvelopeLimits } from './envelope-limits.js';

const positive = () => z.number().finite().positive();
const nonNegative = () => z.number().finite().nonnegative();

/** An identifier of the hierarchy (enterprise, site, area, technology). */
export const NodeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "-" or "_"');

/**
 * A cell technology: the design a line's cells share, in the terms the physics, the optimiser and the simulator
 * take. `sources` names the public source of each value (parameter name → citation).
 */
export const CellTechnology = z.strictObject({
  name: z.string().min(1).max(100),
  /** Nominal (design) line current, kA. */
  nominalCurrentKA: positive(),
  anodes: z.strictObject({
    /** Anodes per cell. */
    count: z.number().int().min(1).max(200),
    /** One anode's footprint, m. */
    lengthM: positive(),
    widthM: positive(),
  }),
  /** Effective over geometric anode area (Haupin 1998), -. */
  fanningFactor: z.number().min(1).max(2),
  /** Cathode (metal pad) area carrying the current, m². */
  cathodeAreaM2: positive(),
  /** Ohmic drops of the cell's anode assembly, cathode and external busbar, µΩ. */
  resistancesMicroOhm: z.strictObject({ anode: nonNegative(), cathode: nonNegative(), external: nonNegative() }),
  /** Design anode–cathode distance, cm. */
  designAcdCm: positive(),
  /** Design bath temperature, °C. */
  bathTempC: z.number().min(900).max(1050),
  /** Liquid bath and metal pad inventories, kg, and their heights, cm. */
  bathMassKg: positive(),
  metalPadMassKg: positive(),
  bathHeightCm: positive(),
  metalHeightCm: positive(),
  /** Bath-wetted side-ledge area, m², and the cathode cavity the metal pad spreads over, m². */
  ledgeAreaM2: positive(),
  cavityAreaM2: positive(),
  /** Alumina per feeder shot, kg. */
  shotMassKg: positive(),
  /** Design current efficiency, -. */
  currentEfficiency: z.number().min(0.8).max(0.99),
  /** Design bath chemistry, wt % (excess AlF3, CaF2, MgF2, LiF). */
  bath: z.strictObject({
    alf3Pct: nonNegative(),
    caf2Pct: nonNegative(),
    mgf2Pct: nonNegative(),
    lifPct: nonNegative(),
  }),
  /** Typical AlF3 addition, kg/day. */
  alf3AdditionKgPerDay: nonNegative(),
  /** Where each value comes from: parameter name (dotted) → citation of a public source. */
  sources: z.record(z.string(), z.string().min(1)).default({}),
});
export type CellTechnology = z.infer<typeof CellTechnology>;

/** A line's rectifier group: the currents it can deliver and its DC voltage across the line. */
export const RectifierRating = z
  .strictObject({ minCurrentKA: positive(), maxCurrentKA: positive(), maxVoltageV: positive() })
  .refine((r) => r.minCurrentKA <= r.maxCurrentKA, {
    message: 'minCurrentKA must not exceed maxCurrentKA',
    path: ['minCurrentKA'],
  });
export type RectifierRating = z.infer<typeof RectifierRating>;

/** Where a plant tag (or Sparkplug metric) lands: its canonical tag, the unit it is sent in, and the line's ranges. */
export const TagMapping = z.strictObject({
  /** The plant's own tag name or Sparkplug metric name. */
  plantTag: z.string().min(1).max(128),
  /** The canonical tag of the tag catalogue (shared/telemetry/tag-catalogue.ts). */
  tag: z.enum(TAGS),
  /** The unit the plant sends (one the catalogue converts from). */
  unit: z.string().min(1).max(16),
  /** The line's physical range (in the canonical tag's unit) and sampling interval, where they differ from the catalogue's. */
  minValue: z.number().finite().optional(),
  maxValue: z.number().finite().optional(),
  intervalMs: z.number().int().positive().optional(),
});
export type TagMapping = z.infer<typeof TagMapping>;

/** A cell and where it stands in its potroom (for the control-room map). */
export const PlantCell = z.strictObject({
  cellId: CellId,
  /** Row of the potroom the cell stands in (1 for a single-row potroom), and its position along that row. */
  row: z.number().int().min(1),
  column: z.number().int().min(1),
  /** The potroom side the cell stands on, as potroom drawings label them. */
  side: z.enum(['A', 'B']),
});
export type PlantCell = z.infer<typeof PlantCell>;

export const PlantLine = z.strictObject({
  lineId: LineId,
  name: z.string().min(1).max(100),
  /** Key of the line's cell technology in `technologies`. */
  technology: NodeId,
  rectifier: RectifierRating,
  /** The safety envelope of this line's equipment (shared/scada/envelope.ts). */
  envelope: EnvelopeLimits,
  /** The optimiser's windows and steps for this line; what is left out takes the optimiser's standing defaults. */
  optimiser: Constraints.default(() => Constraints.parse({})),
  tagMap: z.array(TagMapping).max(1000).default([]),
  cells: z.array(PlantCell).min(1).max(2000),
});
export type PlantLine = z.infer<typeof PlantLine>;

export const PlantArea = z.strictObject({
  areaId: NodeId,
  name: z.string().min(1).max(100),
  lines: z.array(PlantLine).min(1).max(50),
});
export type PlantArea = z.infer<typeof PlantArea>;

/** Emission factors of the site, where they differ from the app settings' defaults. */
export const SiteEmissions = z.strictObject({
  gridCo2KgPerKWh: z.number().min(0).max(2).optional(),
  anodeCo2TPerTAl: z.number().min(0).max(5).optional(),
  pfcSefCf4: z.number().min(0).max(2).optional(),
  pfcFC2F6: z.number().min(0).max(1).optional(),
});

export const PlantModel = z
  .strictObject({
    /** The JSON Schema an editor validates against (plants/plant-model.schema.json). */
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    enterprise: z.strictObject({ id: NodeId, name: z.string().min(1).max(100) }),
    site: z.strictObject({ id: NodeId, name: z.string().min(1).max(100), emissions: SiteEmissions.optional() }),
    technologies: z.record(NodeId, CellTechnology),
    areas: z.array(PlantArea).min(1).max(20),
  })
  .superRefine(checkConsistency);
export type PlantModel = z.infer<typeof PlantModel>;
export type PlantModelInput = z.input<typeof PlantModel>;

/** What the per-field schemas cannot see: ids unique across the plant, references that resolve, limits that fit. */
function checkConsistency(m: z.infer<typeof PlantModel>, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const lines = new Map<string, string>();
  const cells = new Map<string, string>();
  m.areas.forEach((area, a) =>
    area.lines.forEach((line, l) => {
      const at = ['areas', a, 'lines', l];
      const where = `areas.${a}.lines.${l}`;
      if (lines.has(line.lineId))
        issue([...at, 'lineId'], `line ${line.lineId} is also defined at ${lines.get(line.lineId)}`);
      lines.set(line.lineId, where);
      if (!m.technologies[line.technology])
        issue(
          [...at, 'technology'],
          `technology "${line.technology}" is not defined under technologies (${Object.keys(m.technologies).join(', ') || 'none'})`,
        );
      const current = line.envelope.fields.lineCurrentKA;
      if (current.min < line.rectifier.minCurrentKA || current.max > line.rectifier.maxCurrentKA)
        issue(
          [...at, 'envelope', 'fields', 'lineCurrentKA'],
          `the envelope's line current [${current.min}, ${current.max}] kA must lie within the rectifier rating [${line.rectifier.minCurrentKA}, ${line.rectifier.maxCurrentKA}] kA`,
        );
      const plantTags = new Set<string>();
      const tags = new Set<string>();
      line.tagMap.forEach((t, i) => {
        if (plantTags.has(t.plantTag))
          issue([...at, 'tagMap', i, 'plantTag'], `plant tag "${t.plantTag}" is mapped twice on line ${line.lineId}`);
        if (tags.has(t.tag))
          issue([...at, 'tagMap', i, 'tag'], `canonical tag "${t.tag}" is mapped twice on line ${line.lineId}`);
        plantTags.add(t.plantTag);
        tags.add(t.tag);
        const spec = tagSpec(t.tag)!;
        if (!resolveUnit(spec, t.unit))
          issue(
            [...at, 'tagMap', i, 'unit'],
            `unit "${t.unit}" cannot be converted to ${t.tag} (accepted: ${[spec.canonicalUnit, ...Object.keys(spec.conversions)].join(', ')})`,
          );
        if (t.plantTag !== t.tag && tagSpec(t.plantTag))
          issue(
            [...at, 'tagMap', i, 'plantTag'],
            `plant tag "${t.plantTag}" is the name of the canonical tag ${t.plantTag}; it cannot stand for ${t.tag}`,
          );
        if (t.minValue !== undefined && t.maxValue !== undefined && t.minValue > t.maxValue)
          issue([...at, 'tagMap', i, 'minValue'], 'minValue must not exceed maxValue');
      });
      const positions = new Set<string>();
      line.cells.forEach((cell, c) => {
        if (!cell.cellId.startsWith(`${line.lineId}-`) || cell.cellId === `${line.lineId}-LINE`)
          issue(
            [...at, 'cells', c, 'cellId'],
            `cell ${cell.cellId} must be named ${line.lineId}-<cell> (the line's id, a dash, then the cell)`,
          );
        if (cells.has(cell.cellId))
          issue([...at, 'cells', c, 'cellId'], `cell ${cell.cellId} is also on ${cells.get(cell.cellId)}`);
        cells.set(cell.cellId, `line ${line.lineId}`);
        const pos = `${cell.side}/${cell.row}/${cell.column}`;
        if (positions.has(pos))
          issue(
            [...at, 'cells', c, 'column'],
            `two cells of line ${line.lineId} stand at row ${cell.row}, column ${cell.column}, side ${cell.side}`,
          );
        positions.add(pos);
      });
    }),
  );
}
