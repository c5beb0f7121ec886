/**
 * The tags the simulated plant reports, with their canonical unit, the wrong unit a misconfigured source
 * sends, and the conversion between them (so a wrong-unit fault can be injected and checked for recovery).
 */

export const CELL_TAGS = [
  'cellVoltage',
  'bathTemp',
  'anodeBeamPosition',
  'metalHeight',
  'bathHeight',
  'shellTemp',
] as const;
export const LINE_TAGS = ['lineCurrent'] as const;
export const EVENT_TAGS = ['aluminaFeed'] as const;
export type CellTag = (typeof CELL_TAGS)[number];
export type LineTag = (typeof LINE_TAGS)[number];
export type EventTag = (typeof EVENT_TAGS)[number];
export type SimTag = CellTag | LineTag | EventTag;
export type PeriodicTag = CellTag | LineTag;

/** A unit a source can report a tag in, and how to get there from the canonical value. */
export interface WrongUnit {
  unit: string;
  fromCanonical: (value: number) => number;
  toCanonical: (value: number) => number;
}

export interface TagSpec {
  canonicalUnit: string;
  /** Wrong-unit variants of the contract (DESIGN §4); empty when the contract names none. */
  wrongUnits: readonly WrongUnit[];
  /**
   * Sampling weight relative to the other periodic tags: intervals in the ratio 1 : 5 : 5 : 30 of the plant
   * historian's usual rates (voltage and current 1 s, bath temperature and beam 5 s, heights and shell 30 s).
   */
  samplingWeight: number;
  /** Size range of an injected spike, in canonical units: far outside sensor noise and the tag's plausible step. */
  spikeMagnitude: readonly [number, number];
  /** Decimal places the source reports (a 16-bit-class transmitter; keeps noise visible so values never repeat by chance). */
  decimals: number;
}

const scale = (factor: number, unit: string): WrongUnit => ({
  unit,
  fromCanonical: (v) => v * factor,
  toCanonical: (v) => v / factor,
});
const fahrenheit: WrongUnit = {
  unit: 'degF',
  fromCanonical: (c) => (c * 9) / 5 + 32,
  toCanonical: (f) => ((f - 32) * 5) / 9,
};
const kelvin: WrongUnit = { unit: 'K', fromCanonical: (c) => c + 273.15, toCanonical: (k) => k - 273.15 };

export const TAG_SPECS: Record<SimTag, TagSpec> = {
  lineCurrent: {
    canonicalUnit: 'kA',
    wrongUnits: [scale(1000, 'A')],
    samplingWeight: 30,
    spikeMagnitude: [8, 20],
    decimals: 3,
  },
  cellVoltage: {
    canonicalUnit: 'V',
    wrongUnits: [scale(1000, 'mV')],
    samplingWeight: 30,
    spikeMagnitude: [0.6, 2.0],
    decimals: 4,
  },
  bathTemp: {
    canonicalUnit: 'degC',
    wrongUnits: [fahrenheit, kelvin],
    samplingWeight: 6,
    spikeMagnitude: [20, 50],
    decimals: 2,
  },
  anodeBeamPosition: {
    canonicalUnit: 'cm',
    wrongUnits: [scale(10, 'mm')],
    samplingWeight: 6,
    spikeMagnitude: [4, 10],
    decimals: 3,
  },
  metalHeight: {
    canonicalUnit: 'cm',
    wrongUnits: [scale(10, 'mm')],
    samplingWeight: 1,
    spikeMagnitude: [4, 10],
    decimals: 3,
  },
  bathHeight: {
    canonicalUnit: 'cm',
    wrongUnits: [scale(10, 'mm')],
    samplingWeight: 1,
    spikeMagnitude: [4, 10],
    decimals: 3,
  },
  shellTemp: {
    canonicalUnit: 'degC',
    wrongUnits: [fahrenheit],
    samplingWeight: 1,
    spikeMagnitude: [40, 100],
    decimals: 2,
  },
  aluminaFeed: { canonicalUnit: 'kg', wrongUnits: [], samplingWeight: 0, spikeMagnitude: [0, 0], decimals: 3 },
};

/** Tags no catalogue knows: misspellings and points from equipment the platform does not model. */
export const UNKNOWN_TAGS = [
  'cellVoltge',
  'potRoomHumidity',
  'anodeCurrent07',
  'bathTemperature2',
  'cathodeDropMv',
  'ductTemp',
] as const;

/** Rounds a value to the tag's reported precision. */
export function roundForTag(tag: SimTag, value: number): number {
  const factor = 10 ** TAG_SPECS[tag].decimals;
  return Math.round(value * factor) / factor;
}

/** Line-level points use this cellId (contract: `<lineId>-LINE`). */
export function lineSensorCellId(lineId: string): string {
  return `${lineId}-LINE`;
}
