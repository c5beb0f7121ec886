import { describe, expect, it } from 'vitest';
import { defaultLine } from '../optimize/default-potline.js';
import { optimizeLine } from '../optimize/optimize-line.js';
import { type FeasibleRecommendation } from '../optimize/recommendation.js';
import { SetPointValues } from '../plant/set-point.js';
import { cellsIn, plantSetPointsOf } from './set-points.js';

describe('the optimiser answer in the PLC protocol', () => {
  it('turns ACD, AlF3 and alumina targets and the line current into the fields the PLCs and the rectifier take', async () => {
    const rec = (await optimizeLine(defaultLine({ lineId: 'L1', cells: 12, seed: 2 }))) as FeasibleRecommendation;
    expect(rec.status).toBe('optimal');
    const sps = plantSetPointsOf(rec);
    for (const sp of sps) expect(SetPointValues.safeParse(sp.setPoint).success, sp.equipmentId).toBe(true);
    const line = rec.changes.find((c) => c.variable === 'lineCurrentKA');
    if (line)
      expect(sps[0]).toEqual({
        equipmentId: 'L1-LINE',
        setPoint: { lineCurrentKA: line.to },
        present: { lineCurrentKA: line.from },
      });
    for (const c of rec.changes.filter((x) => x.variable === 'acdCm')) {
      expect(sps.find((s) => s.equipmentId === c.cellId)).toMatchObject({
        setPoint: { acdCm: c.to },
        present: { acdCm: c.from },
      });
    }
    for (const sp of sps.filter((s) => s.setPoint.feedIntervalS !== undefined))
      expect(Number.isInteger(sp.setPoint.feedIntervalS)).toBe(true);
    expect(cellsIn(sps)).toBe(sps.filter((s) => s.equipmentId !== 'L1-LINE').length);
  });

  it('sends nothing to a held cell, even when the line current moves', async () => {
    const rec = (await optimizeLine(defaultLine({ lineId: 'L1', cells: 6, seed: 2 }))) as FeasibleRecommendation;
    const all = plantSetPointsOf(rec);
    const held = all.find((s) => s.equipmentId !== 'L1-LINE')!.equipmentId;
    expect(plantSetPointsOf(rec, new Set([held])).map((s) => s.equipmentId)).toEqual(
      all.map((s) => s.equipmentId).filter((id) => id !== held),
    );
  });
});
