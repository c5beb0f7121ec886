/**
 * The lab-sample API over real stores (Azurite lake, Cosmos audit): a batch's bad rows are answered one by one while
 * its good rows are stored, a batch with no good row is a 400 naming every row, and only the laboratory and the ERP
 * may upload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCellLabSamples } from '../../functions/api/cell-lab-samples.js';
import { uploadLabSamplesHandler } from '../../functions/api/lab-samples-upload.js';
import { CellLabSamples, LabUploadResult } from '../../shared/api/lab-samples.js';
import { routes } from '../../shared/api/routes.js';
import { startApiWorld, type ApiWorld } from './harness.js';

let world: ApiWorld;
let lab: string;
beforeAll(async () => {
  world = await startApiWorld('lab-samples-test', { lake: true });
  lab = await world.token({ roles: ['Lab'], sub: 'lims', azp: 'lims-client' });
});
afterAll(() => world?.stop());

const upload = (samples: unknown[], token = lab) =>
  world.call(routes.labSamplesUpload, uploadLabSamplesHandler, { token, body: { samples } });
const bath = (sampleId: string, over: Record<string, unknown> = {}) => ({
  kind: 'bath',
  sampleId,
  cellId: 'L2-C005',
  sampledAt: '2026-11-21T07:30:00Z',
  alf3Pct: 10.8,
  caf2Pct: 4.9,
  ...over,
});

describe('POST v1/lab-samples', () => {
  it('stores the good rows and answers each bad row with its ERR code, index and field', async () => {
    const res = await upload([
      bath('T-1'),
      bath('T-2', { caf2Pct: -1 }),
      { kind: 'metal', sampleId: 'T-3', cellId: 'L2-C005', sampledAt: '2026-11-21T07:35:00Z', fePct: 0.3, siPct: 0.08 },
      bath('T-4', { cellId: 'L2-C500' }),
    ]);
    expect(res.status, res.text).toBe(200);
    const body = LabUploadResult.parse(res.json);
    expect(body).toMatchObject({ received: 4, accepted: 2 });
    expect(body.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [1, 'ERR-LAB-ROW-INVALID', 'samples[1].caf2Pct'],
      [3, 'ERR-LAB-UNKNOWN-CELL', 'samples[3].cellId'],
    ]);
    const quarantined = world.lake!.list('quarantine', 'lab_samples/');
    const names: string[] = [];
    for await (const e of quarantined) names.push(e.path);
    expect(names).toContain(`lab_samples/date=${new Date().toISOString().slice(0, 10)}/${body.uploadId}.json`);

    const read = await world.call(routes.cellLabSamples, getCellLabSamples, {
      token: await world.token({ roles: ['Operator'] }),
      params: { cellId: 'L2-C005' },
      query: 'from=2026-11-21&to=2026-11-22',
    });
    expect(read.status, read.text).toBe(200);
    const list = CellLabSamples.parse(read.json);
    expect(list.items.map((s) => [s.sampleId, s.kind])).toEqual([
      ['T-3', 'metal'],
      ['T-1', 'bath'],
    ]);
    expect(list.items[1]).toMatchObject({ lineId: 'L2', alf3Pct: 10.8, caf2Pct: 4.9, uploadId: body.uploadId });
  });

  it('answers 400 naming every row when no row of the batch is good, and stores nothing', async () => {
    const res = await upload([bath('U-1', { alf3Pct: 'high' }), bath('U-2', { sampledAt: '2099-01-01T00:00:00Z' })]);
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({
      code: 'ERR-4001',
      details: [
        { field: 'body.samples[0].alf3Pct', reason: 'ERR-LAB-ROW-INVALID' },
        { field: 'body.samples[1].sampledAt', reason: 'ERR-LAB-SAMPLED-IN-FUTURE' },
      ],
    });
  });

  it('is for the laboratory and the ERP only', async () => {
    expect((await upload([bath('V-1')], await world.token({ roles: ['Engineer'] }))).status).toBe(403);
    expect((await upload([bath('V-1')], await world.token({ roles: ['Integration'] }))).status).toBe(200);
  });
});
