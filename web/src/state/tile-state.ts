/**
 * What a cell's tile on the potline map says, from what the screen knows of the cell. Pure, so it is tested alone.
 *
 * Order of precedence: a tile whose data is older than the line's `staleDataMaxAgeMs` (plant model) is `stale` and
 * says nothing else as if it were live; then an anode effect (cell voltage at or above the line's
 * `anodeEffectThresholdV`), an open alert, manual mode, normal. Manual and alert also show as badges whatever the
 * colour, so a cell in manual with an open alert shows both.
 */
export const TILE_STATES = ['normal', 'alert', 'manual', 'anode-effect', 'stale', 'no-data'] as const;
export type TileState = (typeof TILE_STATES)[number];

export interface TileInput {
  /** The cell's newest cell voltage, V; undefined when none has arrived. */
  voltageV: number | undefined;
  /** Its data is older than the line allows (`isStale`): nothing it says may be shown as live. */
  stale: boolean;
  anodeEffectThresholdV: number;
  /** The cell or its line is in manual. */
  inManual: boolean;
  /** Open (active or acknowledged) alerts about the cell. */
  openAlerts: number;
}

/** True when data stamped `tsMs` is too old to show as live at `nowMs` (or there is none). */
export function isStale(tsMs: number | undefined, nowMs: number, staleDataMaxAgeMs: number): boolean {
  return tsMs === undefined || nowMs - tsMs > staleDataMaxAgeMs;
}

export function tileState(t: TileInput): TileState {
  if (t.voltageV === undefined) return 'no-data';
  if (t.stale) return 'stale';
  if (t.voltageV >= t.anodeEffectThresholdV) return 'anode-effect';
  if (t.openAlerts > 0) return 'alert';
  if (t.inManual) return 'manual';
  return 'normal';
}

/** The words a screen reader says for a state (the colour is never the only sign). */
export const TILE_STATE_LABEL: Record<TileState, string> = {
  normal: 'normal',
  alert: 'alert',
  manual: 'in manual',
  'anode-effect': 'anode effect',
  stale: 'data stale',
  'no-data': 'no data',
};

/** The one-character glyph a tile shows for its state, beside its colour. */
export const TILE_STATE_GLYPH: Record<TileState, string> = {
  normal: '',
  alert: '!',
  manual: 'M',
  'anode-effect': 'AE',
  stale: '?',
  'no-data': '–',
};
