/**
 * The snapshot's bath samples from the lab store (shared/lab): per cell of a line, its newest bath sample in the
 * look-back, in the terms measured-state.ts takes.
 */
import type { LakeStore } from '../lake/lake-store.js';
import { latestBathSamples } from '../lab/lab-store.js';
import { LAB_LOOKBACK_MS } from './line-snapshot.js';
import type { BathSample } from './measured-state.js';

/** Reads the newest bath sample per cell of `lineId` taken in the LAB_LOOKBACK_MS before `atMs`. */
export async function bathSamplesFromLake(
  lake: LakeStore,
  lineId: string,
  atMs: number,
): Promise<Map<string, BathSample>> {
  const out = new Map<string, BathSample>();
  for (const [cellId, s] of await latestBathSamples(lake, lineId, atMs, LAB_LOOKBACK_MS)) {
    if (s.alf3Pct === null || s.caf2Pct === null) continue;
    out.set(cellId, {
      sampleId: s.sampleId,
      sampledAtMs: s.sampledAtMs,
      alf3Pct: s.alf3Pct,
      caf2Pct: s.caf2Pct,
      ...(s.mgf2Pct !== null ? { mgf2Pct: s.mgf2Pct } : {}),
      ...(s.lifPct !== null ? { lifPct: s.lifPct } : {}),
    });
  }
  return out;
}
