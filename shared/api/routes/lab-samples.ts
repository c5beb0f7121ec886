import { CellLabPath, CellLabQuery, CellLabSamples, LabSampleUpload, LabUploadResult } from '../lab-samples.js';
import { v1 } from '../../http/paths.js';
import { defineRoute } from '../../http/route-spec.js';

/** Lab analyses of the cells: the laboratory's batch upload and each cell's samples. */
export const labSampleRoutes = {
  labSamplesUpload: defineRoute({
    name: 'lab-samples-upload',
    method: 'POST',
    path: v1('lab-samples'),
    access: ['Lab', 'Integration'],
    summary:
      'Upload a batch of bath and metal samples; good rows are stored, each bad row is answered with its code, index and field',
    tag: 'lab-samples',
    body: LabSampleUpload,
    responses: {
      200: {
        description:
          'The rows stored and the rows refused (codes ERR-LAB-ROW-INVALID, ERR-LAB-UNKNOWN-CELL, ERR-LAB-SAMPLED-IN-FUTURE, ERR-LAB-DUPLICATE-SAMPLE); a batch sent again is stored once',
        schema: LabUploadResult,
      },
    },
  }),
  cellLabSamples: defineRoute({
    name: 'cell-lab-samples',
    method: 'GET',
    path: v1('cells/{cellId}/lab-samples'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration', 'Lab'],
    summary: "A cell's lab samples over [from, to) (default the last 14 days, at most 62), newest first",
    tag: 'lab-samples',
    params: CellLabPath,
    query: CellLabQuery,
    plantIds: { cellId: 'cell' },
    responses: { 200: { description: "The cell's samples and its line's metal-grade limits", schema: CellLabSamples } },
  }),
} as const;
