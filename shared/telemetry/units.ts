import type { TagSpec, UnitConversion } from './tag-catalogue.js';

/** Spellings of the same unit seen from OPC servers and historians, mapped to the catalogue's names. */
const UNIT_ALIASES: Readonly<Record<string, string>> = {
  '°C': 'degC',
  C: 'degC',
  celsius: 'degC',
  '°F': 'degF',
  F: 'degF',
  fahrenheit: 'degF',
  kelvin: 'K',
};

const IDENTITY: UnitConversion = { scale: 1, offset: 0 };

export interface UnitResolution {
  conversion: UnitConversion;
  /** True when the point's unit differs from the canonical one (the row gets `unit_converted`). */
  converted: boolean;
}
const CANONICAL: UnitResolution = Object.freeze({ conversion: IDENTITY, converted: false });

/** How to bring a value in `unit` to the tag's canonical unit; undefined when the unit is not accepted for the tag. */
export function resolveUnit(spec: TagSpec, unit: string): UnitResolution | undefined {
  if (unit === spec.canonicalUnit) return CANONICAL;
  const name = UNIT_ALIASES[unit] ?? unit;
  if (name === spec.canonicalUnit) return CANONICAL;
  const conversion = spec.conversions[name];
  return conversion ? { conversion, converted: true } : undefined;
}

/** Applies a conversion (canonical = raw · scale + offset). */
export function convert(value: number, c: UnitConversion): number {
  return value * c.scale + c.offset;
}
