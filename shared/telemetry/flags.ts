/**
 * Silver quality flags (contract names, DESIGN §4). Inside the hot loop a row's flags are a bit mask; they become the
 * contract's string names only when a row leaves the cleansing core.
 */
export const FLAG_NAMES = [
  'spike',
  'rate_of_change',
  'out_of_range',
  'stuck',
  'bad_quality',
  'uncertain_quality',
  'unit_converted',
  'out_of_order',
  'late',
  'interpolated',
  'gap_before',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

export const Flag = Object.fromEntries(FLAG_NAMES.map((name, i) => [name, 1 << i])) as Record<FlagName, number>;

/**
 * Flags that keep a row out of gold aggregates: the value is suspect. Rows with only `unit_converted`,
 * `interpolated`, `out_of_order`, `late`, `gap_before` or `uncertain_quality` are aggregated (their value is
 * trusted; the flag records how it arrived).
 */
export const GOLD_EXCLUDING_FLAGS: readonly FlagName[] = [
  'spike',
  'rate_of_change',
  'out_of_range',
  'stuck',
  'bad_quality',
];
export const GOLD_EXCLUDING_MASK = GOLD_EXCLUDING_FLAGS.reduce((m, f) => m | Flag[f], 0);

/**
 * Flags that do not make a row "not good": they describe delivery or representation, not the value.
 * A row counts as good in gold when its quality is good and it carries no other flag.
 */
export const NEUTRAL_FLAGS: readonly FlagName[] = ['unit_converted', 'out_of_order', 'late', 'gap_before'];
export const NEUTRAL_MASK = NEUTRAL_FLAGS.reduce((m, f) => m | Flag[f], 0);

/** Indexed by mask (every mask is below 2^11): an array read per row, not a hash lookup. */
const namesByMask: (readonly FlagName[] | undefined)[] = new Array(1 << FLAG_NAMES.length).fill(undefined);

/** The flag names of a mask, in contract order; the returned array is shared and frozen (no per-row allocation). */
export function flagNames(mask: number): readonly FlagName[] {
  let names = namesByMask[mask];
  if (!names) {
    names = Object.freeze(FLAG_NAMES.filter((f) => (mask & Flag[f]) !== 0));
    namesByMask[mask] = names;
  }
  return names;
}

/** The mask of a list of flag names (unknown names are ignored). */
export function flagMask(names: readonly string[]): number {
  let mask = 0;
  for (const n of names) mask |= (Flag as Record<string, number>)[n] ?? 0;
  return mask;
}

/** True when a row with these flags is left out of gold aggregates. */
export function isExcludedFromGold(mask: number): boolean {
  return (mask & GOLD_EXCLUDING_MASK) !== 0;
}

const maskByNames = new Map<readonly string[], number>();

/** The mask of a row's flags; O(1) for the shared arrays flagNames returns. */
export function maskOf(names: readonly string[]): number {
  let m = maskByNames.get(names);
  if (m === undefined) {
    m = flagMask(names);
    if (Object.isFrozen(names)) maskByNames.set(names, m);
  }
  return m;
}
