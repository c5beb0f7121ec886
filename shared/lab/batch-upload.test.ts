import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { checkLabBatch, LabRowCode } from './batch-upload.js';
import { latestBathSamples, readLabSamples, writeLabBatch } from './lab-store.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const bath = (over: Record<string, unknown> = {}) => ({
  kind: 'bath',
  sampleId: 'S-1',
  cellId: 'L1-C001',
  sampledAt: '2026-11-22T08:00:00Z',
  alf3Pct: 11.5,
  caf2Pct: 5,
  bathTempC: 961,
  liquidusC: 952.5,
  ...over,
});
const metal = (over: Record<string, unknown> = {}) => ({
  kind: 'metal',
  sampleId: 'M-1',
  cellId: 'L2-C010',
  sampledAt: '2026-11-22T08:10:00+01:00',
  fePct: 0.14,
  siPct: 0.06,
  ...over,
});

describe('a lab batch, row by row', () => {
  it('keeps the good rows and answers each bad one with its code, index and field', () => {
    const rows = [
      bath(),
      metal(),
      bath({ sampleId: 'S-2', alf3Pct: 40 }),
      bath({ sampleId: 'S-3', cellId: 'L9-C001' }),
      bath({ sampleId: 'S-4', sampledAt: '2026-11-22T13:00:00Z' }),
      bath({ alf3Pct: 10 }),
      { kind: 'slag', sampleId: 'X-1' },
      'not a row',
      bath({ sampleId: 'S-5', sampledAt: '2026-11-22 08:00' }),
      metal({ sampleId: 'M-2', extra: 1 }),
    ];
    const batch = checkLabBatch(rows, TEST_PLANT, NOW);
    expect(batch.accepted.map((s) => [s.sampleId, s.lineId, s.kind])).toEqual([
      ['S-1', 'L1', 'bath'],
      ['M-1', 'L2', 'metal'],
    ]);
    expect(batch.accepted[0]).toMatchObject({ superheatK: 8.5, fePct: null, sampledAt: '2026-11-22T08:00:00.000Z' });
    expect(batch.accepted[1]).toMatchObject({ sampledAt: '2026-11-22T07:10:00.000Z', alf3Pct: null, fePct: 0.14 });
    expect(batch.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [2, LabRowCode.invalid, 'samples[2].alf3Pct'],
      [3, LabRowCode.unknownCell, 'samples[3].cellId'],
      [4, LabRowCode.future, 'samples[4].sampledAt'],
      [5, LabRowCode.duplicate, 'samples[5].sampleId'],
      [6, LabRowCode.invalid, 'samples[6].kind'],
      [7, LabRowCode.invalid, 'samples[7]'],
      [8, LabRowCode.invalid, 'samples[8].sampledAt'],
      [9, LabRowCode.invalid, 'samples[9]'],
    ]);
    expect(batch.rejected[3]!.message).toMatch(/also row 0/);
    expect(batch.rejected[1]!.message).toMatch(/L9-C001 is not in plant model/);
  });

  it('names the upload by its rows, so a batch sent twice is stored once; a later correction replaces a sample', async () => {
    const lake = new MemoryLakeStore();
    const rows = [bath(), bath({ sampleId: 'S-0', sampledAt: '2026-11-20T08:00:00Z', alf3Pct: 9 })];
    const first = checkLabBatch(rows, TEST_PLANT, NOW);
    expect(checkLabBatch(rows, TEST_PLANT, NOW + 5000).uploadId).toBe(first.uploadId);
    await writeLabBatch(lake, rows, first, NOW);
    await writeLabBatch(lake, rows, checkLabBatch(rows, TEST_PLANT, NOW + 5000), NOW + 5000);
    const from = Date.UTC(2026, 10, 19);
    expect((await readLabSamples(lake, 'L1', from, NOW)).map((s) => s.sampleId)).toEqual(['S-1', 'S-0']);

    const corrected = [bath({ alf3Pct: 12.1 })];
    await writeLabBatch(lake, corrected, checkLabBatch(corrected, TEST_PLANT, NOW + 60_000), NOW + 60_000);
    const latest = await latestBathSamples(lake, 'L1', NOW + 60_000, 7 * 86_400_000);
    expect(latest.get('L1-C001')).toMatchObject({ sampleId: 'S-1', alf3Pct: 12.1 });
    expect(await readLabSamples(lake, 'L2', from, NOW)).toEqual([]);
  });
});
