import { app } from '@azure/functions';
import { routes } from '../../shared/api/routes.js';
import { getOptimization } from '../../shared/api/optimizations.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/optimizations/{runId}: status, progress, and the result once the run completed. */
export const getOptimizationRun = apiHandler(routes.optimizationsGet, async ({ params, ctx }) => {
  const view = await getOptimization({ client: runClientOf(ctx) }, params.runId);
  const running = view.runtimeStatus === 'Pending' || view.runtimeStatus === 'Running';
  return { status: 200, body: view, ...(running ? { headers: { 'retry-after': '2' } } : {}) };
});

app.http(routes.optimizationsGet.name, {
  ...httpTrigger(routes.optimizationsGet, getOptimizationRun),
  extraInputs: [durableClientInput],
});
