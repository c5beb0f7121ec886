/**
 * The plant's own tag names: where a line's tag map names a canonical tag, the simulated sources of that line send
 * the plant tag in the mapping's unit, as a historian or a Sparkplug edge node of that plant would. The simulator
 * works in canonical tags and units throughout (its labels name canonical tags, as silver does); points are
 * translated on their way out. The set-point read-back is not renamed: a plant reports it as its Sparkplug set-point
 * metrics (`Setpoints/<field>`), whose names the platform's edge contract fixes.
 */
import type { PlantModel } from '../../shared/plant/schema.js';
import { fieldOfReadbackTag } from '../../shared/scada/readback.js';
import { tagSpec } from '../../shared/telemetry/tag-catalogue.js';
import { resolveUnit } from '../../shared/telemetry/units.js';
import { SimulatorError } from './errors.js';
import type { EmittedPoint } from './point.js';
import { TAG_SPECS, type SimTag } from './tags.js';

/** How one canonical tag of a line goes out. */
export interface TagTranslation {
  plantTag: string;
  /** The unit the plant sends it in (the mapping's). */
  unit: string;
  /** True when that unit is not the canonical one: values are converted on the way out. */
  converted: boolean;
  fromCanonical: (value: number) => number;
}

/** Decimal places of tags the simulator has no precision of its own for (the set-point read-back). */
const DEFAULT_DECIMALS = 6;

/** Per line, per canonical tag, the plant tag it goes out as (lines without a tag map are absent). */
export type PlantTagTranslations = ReadonlyMap<string, ReadonlyMap<string, TagTranslation>>;

/** The translations of every line's tag map of the plant. */
export function plantTagTranslations(plant: PlantModel): PlantTagTranslations {
  const out = new Map<string, Map<string, TagTranslation>>();
  for (const line of plant.areas.flatMap((a) => a.lines)) {
    if (line.tagMap.length === 0) continue;
    const byTag = new Map<string, TagTranslation>();
    for (const m of line.tagMap) {
      if (fieldOfReadbackTag(m.tag)) continue;
      const spec = tagSpec(m.tag)!;
      const unit = resolveUnit(spec, m.unit);
      if (!unit)
        throw new SimulatorError(
          'SIM-CONFIG',
          'tagMap',
          `line ${line.lineId}: ${m.plantTag} arrives in "${m.unit}", which ${m.tag} cannot be converted from`,
        );
      // canonical = raw · scale + offset, so raw = (canonical − offset) / scale, rounded to the transmitter's
      // precision in that unit (a tenth of the scale's decades: 4.1234 V is 4123.4 mV).
      const { scale, offset } = unit.conversion;
      const simDecimals = m.tag in TAG_SPECS ? TAG_SPECS[m.tag as SimTag].decimals : DEFAULT_DECIMALS;
      const factor = 10 ** Math.max(0, simDecimals + Math.round(Math.log10(scale)));
      byTag.set(m.tag, {
        plantTag: m.plantTag,
        unit: m.unit,
        converted: unit.converted,
        fromCanonical: (v) => Math.round(((v - offset) / scale) * factor) / factor,
      });
    }
    out.set(line.lineId, byTag);
  }
  return out;
}

/** The point as the plant sends it: its plant tag, and its value in the plant's unit when it is in the canonical one. */
export function toPlantTag(point: EmittedPoint, t: TagTranslation, canonicalUnit: string): EmittedPoint {
  // A wrong-unit fault keeps its wrong unit: only the name changes.
  if (point.unit !== canonicalUnit) return { ...point, tag: t.plantTag };
  return { ...point, tag: t.plantTag, value: t.converted ? t.fromCanonical(point.value) : point.value, unit: t.unit };
}
