import { PdeModelPath } from '../pde-model-schemas.js';
import { PdeRunAccepted, PdeRunPath, PdeRunView } from '../pde-runs.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS } from '../../http/route-spec.js';

/** Runs of a stored PDE model (Durable orchestration `pdeRun`; the result goes to the lake). */
export const pdeRunRoutes = {
  pdeRunsStart: defineRoute({
    name: 'pde-runs-start',
    method: 'POST',
    path: v1('pde-models/{modelId}/runs'),
    access: ['Engineer', 'Manager'],
    summary: 'Run a stored PDE model; the full result goes to the lake (gold/pde_runs/…)',
    tag: 'pde-models',
    params: PdeModelPath,
    responses: {
      202: {
        description: 'Started; poll the self link',
        schema: PdeRunAccepted,
        headers: { Location: 'URL of the run (poll it)', 'Retry-After': 'Seconds to wait before the first poll' },
      },
      404: { description: 'No such model' },
    },
  }),
  pdeRunsGet: defineRoute({
    name: 'pde-runs-get',
    method: 'GET',
    path: v1('pde-models/{modelId}/runs/{runId}'),
    access: READERS,
    summary: 'Read a PDE run: status, and where its result is with a summary once done',
    tag: 'pde-models',
    params: PdeRunPath,
    responses: {
      200: { description: 'The run', schema: PdeRunView },
      404: { description: 'No such run of this model' },
    },
  }),
} as const;
