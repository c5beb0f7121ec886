/**
 * The tag catalogue: what the cleansing rules know about each sensor kind of a Hall–Héroult potline.
 *
 * Sources for the plausible values (ranges are the sensor's physical plausibility, wider than the operating band):
 * - Grjotheim & Kvande, "Introduction to Aluminium Electrolysis", 2nd ed. (1993), ch. 6–9: line current 100–500 kA
 *   for modern prebake lines, cell voltage 4.0–4.6 V in operation and 30–60 V during an anode effect, bath
 *   temperature 940–980 °C, metal pad 15–25 cm, bath depth 16–25 cm, shell 200–450 °C.
 * - Haupin, "Interpreting the components of cell voltage" (Light Metals 1998): anode effect voltage onset within
 *   seconds.
 * - Point-feeder shot 1–6 kg every 40–150 s (Kvande, JOM 2014 "The aluminum smelting process").
 * Sampling intervals are the plant historian's usual rates; each sensor's actual rhythm is learned from its own
 * timestamps (sensor-state.ts), the value here is only the starting assumption.
 */
export const TAGS = [
  'lineCurrent',
  'cellVoltage',
  'bathTemp',
  'anodeBeamPosition',
  'aluminaFeed',
  'metalHeight',
  'bathHeight',
  'shellTemp',
  // The plant's own report of its active set points (read-back): what the PLC is regulating to now. The SCADA
  // dispatcher judges every command against these, never against its own last acknowledgement (DESIGN §5).
  'acdSetpoint',
  'feedIntervalSetpoint',
  'lineCurrentSetpoint',
  'alf3AdditionSetpoint',
] as const;
export type Tag = (typeof TAGS)[number];

/** canonical = raw · scale + offset. */
export interface UnitConversion {
  scale: number;
  offset: number;
}

export interface TagSpec {
  tag: Tag;
  /** Index in TAGS (sensor state is kept per cell in an array indexed by it). */
  index: number;
  canonicalUnit: string;
  /** Accepted non-canonical units and how to convert them to the canonical one. */
  conversions: Readonly<Record<string, UnitConversion>>;
  /** Physical plausibility range in the canonical unit. */
  minValue: number;
  maxValue: number;
  /** Largest credible change per second between good samples (canonical unit / s). */
  maxRatePerS: number;
  /** Starting assumption for the sampling interval (ms); the learned interval replaces it. */
  expectedIntervalMs: number;
  /** A gap longer than this many expected intervals flags the next point `gap_before`. */
  gapFactor: number;
  /** Gaps are filled by linear interpolation (never for event tags such as feeder shots). */
  interpolate: boolean;
  /** Robust scale floor for spike detection (canonical unit): the sensor's noise when the window is flat. */
  noiseFloor: number;
  /** Scale floor relative to the level (fraction of |median|), for signals whose noise grows with the level. */
  noiseRelative: number;
  /** Stuck sensor: `runLength` consecutive values within `tolerance`; null when repeated values are normal. */
  stuck: { runLength: number; tolerance: number } | null;
  /**
   * False for a set-point read-back: a set point steps by design and holds still between changes, so the spike,
   * rate-of-change and stuck tests would flag every real change (and hide it from the hot state).
   */
  judged: boolean;
}

/** °F → °C (exact definition). */
const FROM_DEG_F: UnitConversion = { scale: 5 / 9, offset: (-32 * 5) / 9 };
/** K → °C (0 °C = 273.15 K, SI definition). */
const FROM_KELVIN: UnitConversion = { scale: 1, offset: -273.15 };

type SpecInput = Omit<TagSpec, 'index' | 'tag' | 'judged'> & { judged?: false };
const specs: Record<Tag, SpecInput> = {
  lineCurrent: {
    canonicalUnit: 'kA',
    conversions: { A: { scale: 1e-3, offset: 0 } },
    minValue: 0, // a tripped line reads 0 kA
    maxValue: 700, // above the largest cells in service (~600 kA, Chalco/RUSAL pilot lines)
    maxRatePerS: 20, // regulation steps are a few kA; a rectifier trip is a level shift (flagged once)
    expectedIntervalMs: 1_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 0.3, // rectifier regulation ripple ~0.1 % of 300 kA
    noiseRelative: 0,
    stuck: { runLength: 20, tolerance: 1e-9 },
  },
  cellVoltage: {
    canonicalUnit: 'V',
    conversions: { mV: { scale: 1e-3, offset: 0 } },
    minValue: 0, // a cut-out cell
    maxValue: 80, // anode effects reach 30–60 V; margin for the sensor range
    // An anode effect jumps tens of volts and then flickers by volts within a second (Haupin 1998): the rate limit
    // only catches what no cell can do; spikes are the Hampel test's job.
    maxRatePerS: 50,
    expectedIntervalMs: 1_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 0.03, // bubble noise 10–50 mV (Haupin 1998)
    noiseRelative: 0.02, // during an anode effect (30–60 V) the arc flickers by volts: ~2 % of the level
    stuck: { runLength: 20, tolerance: 1e-9 },
  },
  bathTemp: {
    canonicalUnit: 'degC',
    conversions: { degF: FROM_DEG_F, K: FROM_KELVIN },
    minValue: 850, // frozen bath; a thermocouple reading below is not bath
    maxValue: 1100, // above any superheat seen in a running cell
    maxRatePerS: 2, // bath thermal inertia (tonnes of bath) allows well under 1 °C/s
    expectedIntervalMs: 5_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 0.5,
    noiseRelative: 0,
    stuck: { runLength: 20, tolerance: 1e-6 },
  },
  anodeBeamPosition: {
    canonicalUnit: 'cm',
    conversions: { mm: { scale: 0.1, offset: 0 } },
    minValue: 0,
    maxValue: 100, // beam travel is ~40 cm between raises; margin
    maxRatePerS: 1, // beam drives move ~1 cm/min; a beam raise is a level shift
    expectedIntervalMs: 5_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 0.1,
    noiseRelative: 0,
    stuck: null, // the beam holds still between moves: repeated values are normal
  },
  aluminaFeed: {
    canonicalUnit: 'kg',
    conversions: { g: { scale: 1e-3, offset: 0 } },
    minValue: 0.1,
    maxValue: 20, // point feeders dose 1–6 kg; a double shot at most ~12 kg
    maxRatePerS: Number.POSITIVE_INFINITY, // events, not a signal: no rate of change between shots
    expectedIntervalMs: 90_000,
    gapFactor: 3, // feeding is irregular by design (over/under-feed tracking), so only a long silence is a gap
    interpolate: false,
    noiseFloor: 0.2,
    noiseRelative: 0,
    stuck: null, // every shot has the same nominal mass
  },
  metalHeight: {
    canonicalUnit: 'cm',
    conversions: { mm: { scale: 0.1, offset: 0 } },
    minValue: 5,
    maxValue: 60,
    maxRatePerS: 0.5, // tapping removes 3–5 cm in minutes
    expectedIntervalMs: 30_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 0.2,
    noiseRelative: 0,
    stuck: { runLength: 20, tolerance: 1e-9 },
  },
  bathHeight: {
    canonicalUnit: 'cm',
    conversions: { mm: { scale: 0.1, offset: 0 } },
    minValue: 5,
    maxValue: 50,
    maxRatePerS: 0.5,
    expectedIntervalMs: 30_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 0.2,
    noiseRelative: 0,
    stuck: { runLength: 20, tolerance: 1e-9 },
  },
  shellTemp: {
    canonicalUnit: 'degC',
    conversions: { degF: FROM_DEG_F, K: FROM_KELVIN },
    minValue: -40, // a cold shell in winter
    maxValue: 700, // a red shell (tap-out risk) is ~600 °C
    maxRatePerS: 1,
    expectedIntervalMs: 30_000,
    gapFactor: 1.5,
    interpolate: true,
    noiseFloor: 1,
    noiseRelative: 0,
    stuck: { runLength: 20, tolerance: 1e-6 },
  },
  // Read-back of the active set points. Ranges are what a PLC could hold, wider than any envelope; reported every
  // few seconds and on every change (Sparkplug report by exception plus a periodic refresh).
  acdSetpoint: setpointSpec('cm', { mm: { scale: 0.1, offset: 0 } }, 0.5, 15),
  feedIntervalSetpoint: setpointSpec('s', { min: { scale: 60, offset: 0 } }, 1, 7_200),
  lineCurrentSetpoint: setpointSpec('kA', { A: { scale: 1e-3, offset: 0 } }, 0, 700),
  alf3AdditionSetpoint: setpointSpec('kg/d', {}, 0, 1_000),
};

/** A set-point read-back tag: not judged for spikes, rate or stuck runs, never interpolated. */
function setpointSpec(
  canonicalUnit: string,
  conversions: Record<string, UnitConversion>,
  minValue: number,
  maxValue: number,
): SpecInput {
  return {
    canonicalUnit,
    conversions,
    minValue,
    maxValue,
    maxRatePerS: Number.POSITIVE_INFINITY,
    expectedIntervalMs: 10_000,
    gapFactor: 3,
    interpolate: false,
    noiseFloor: 0,
    noiseRelative: 0,
    stuck: null,
    judged: false,
  };
}

export const TAG_CATALOGUE: Readonly<Record<Tag, TagSpec>> = Object.fromEntries(
  TAGS.map((tag, index) => [tag, Object.freeze({ judged: true, ...specs[tag], tag, index })]),
) as Record<Tag, TagSpec>;

const byName = new Map<string, TagSpec>(TAGS.map((t) => [t, TAG_CATALOGUE[t]]));

/** The spec of a tag name, or undefined for a tag the catalogue does not know. */
export function tagSpec(tag: string): TagSpec | undefined {
  return byName.get(tag);
}
