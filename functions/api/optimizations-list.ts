import { app } from '@azure/functions';
import { listOptimizations } from '../../shared/api/optimizations.js';
import { routes } from '../../shared/api/routes.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/optimizations: the runs started since an instant (default a day), newest first. */
export const listOptimizationRuns = apiHandler(routes.optimizationsList, async ({ query, ctx }) => ({
  status: 200,
  body: await listOptimizations({ client: runClientOf(ctx) }, query, Date.now()),
}));

app.http(routes.optimizationsList.name, {
  ...httpTrigger(routes.optimizationsList, listOptimizationRuns),
  extraInputs: [durableClientInput],
});
