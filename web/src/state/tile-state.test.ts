import { describe, expect, it } from 'vitest';
import { isStale, tileState, type TileInput } from './tile-state.js';

const NOW = Date.UTC(2026, 11, 3, 10);
const base: TileInput = { voltageV: 4.3, stale: false, anodeEffectThresholdV: 8, inManual: false, openAlerts: 0 };

describe('a tile on the potline map', () => {
  it('is normal for fresh data in the operating band', () => {
    expect(tileState(base)).toBe('normal');
  });

  it('shows an anode effect from the line’s threshold on, before alert and manual', () => {
    expect(tileState({ ...base, voltageV: 8 })).toBe('anode-effect');
    expect(tileState({ ...base, voltageV: 42, inManual: true, openAlerts: 2 })).toBe('anode-effect');
    expect(tileState({ ...base, voltageV: 7.99 })).toBe('normal');
  });

  it('shows an open alert before manual, and manual over normal', () => {
    expect(tileState({ ...base, openAlerts: 1, inManual: true })).toBe('alert');
    expect(tileState({ ...base, inManual: true })).toBe('manual');
  });

  it('is stale whatever its data said: never shown as live', () => {
    expect(tileState({ ...base, stale: true, voltageV: 42, openAlerts: 1, inManual: true })).toBe('stale');
  });

  it('judges data stale past the line’s maximum age, and no data as stale', () => {
    expect(isStale(NOW - 60_000, NOW, 60_000)).toBe(false);
    expect(isStale(NOW - 60_001, NOW, 60_000)).toBe(true);
    expect(isStale(undefined, NOW, 60_000)).toBe(true);
  });

  it('says so when the cell never reported', () => {
    expect(tileState({ ...base, voltageV: undefined, inManual: true })).toBe('no-data');
  });
});
