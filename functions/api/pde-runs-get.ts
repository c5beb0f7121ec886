import { app } from '@azure/functions';
import { routes } from '../../shared/api/routes.js';
import { getPdeRun } from '../../shared/api/pde-runs.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/pde-models/{modelId}/runs/{runId}: status, and the result's lake reference and summary once done. */
export const getPdeModelRun = apiHandler(routes.pdeRunsGet, async ({ params, ctx }) => {
  return { status: 200, body: await getPdeRun({ client: runClientOf(ctx) }, params.modelId, params.runId) };
});

app.http(routes.pdeRunsGet.name, {
  ...httpTrigger(routes.pdeRunsGet, getPdeModelRun),
  extraInputs: [durableClientInput],
});
