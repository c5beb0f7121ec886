/**
 * What each sensor reads: the plant's true state plus measurement noise, rounded to the transmitter's precision.
 */
import { bathHeightCm, metalHeightCm, type CellState } from './cell.js';
import type { Potline } from './potline.js';
import type { Rng } from './prng.js';
import { roundForTag, type PeriodicTag } from './tags.js';

/** Measurement noise (1 σ) per tag in its canonical unit: typical transmitter noise, below the cleanser's noise floors. */
const MEASUREMENT_NOISE: Record<PeriodicTag, number> = {
  lineCurrent: 0.05, // kA: Hall-effect DCCT, ~0.04 % of reading
  cellVoltage: 0.004, // V: on top of the cell's own bubble/metal-pad noise
  bathTemp: 0.3, // °C: type-K thermocouple in a sheath
  anodeBeamPosition: 0, // cm: an encoder reads exactly where the beam stands
  metalHeight: 0.08, // cm: level gauge
  bathHeight: 0.08, // cm: level gauge
  shellTemp: 0.4, // °C: surface thermocouple
};

/** The reading of a periodic tag for a cell (or, for lineCurrent, the cell's line) now, in the canonical unit. */
export function readTag(
  potline: Potline,
  cell: CellState | undefined,
  lineId: string,
  tag: PeriodicTag,
  rng: Rng,
): number {
  const noise = MEASUREMENT_NOISE[tag] === 0 ? 0 : MEASUREMENT_NOISE[tag] * rng.normal();
  return roundForTag(tag, trueValue(potline, cell, lineId, tag) + noise);
}

function trueValue(potline: Potline, cell: CellState | undefined, lineId: string, tag: PeriodicTag): number {
  if (tag === 'lineCurrent') return potline.lineCurrentKA(lineId);
  if (!cell) throw new Error(`Tag ${tag} needs a cell`);
  switch (tag) {
    case 'cellVoltage':
      return cell.cellVoltageV;
    case 'bathTemp':
      return cell.bathTempC;
    case 'anodeBeamPosition':
      return cell.beamPositionCm;
    case 'metalHeight':
      return metalHeightCm(cell);
    case 'bathHeight':
      return bathHeightCm(cell);
    case 'shellTemp':
      return cell.shellTempC;
  }
}
