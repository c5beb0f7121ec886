import { app } from '@azure/functions';
import { getProposal } from '../../shared/api/optimizations.js';
import { routes } from '../../shared/api/routes.js';
import { lakeFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/optimizations/{runId}/proposal: the proposal cell by cell, read from the recommendation in the lake. */
export const getOptimizationProposal = apiHandler(routes.optimizationsProposal, async ({ params, ctx }) => {
  const lake = await lakeFromSettings();
  const readRecommendation = async (ref: { container: string; path: string }) => {
    const bytes = await lake.get(ref.container, ref.path);
    if (!bytes) throw new Error(`the recommendation ${ref.container}/${ref.path} is missing from the lake`);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  };
  return { status: 200, body: await getProposal({ client: runClientOf(ctx), readRecommendation }, params.runId) };
});

app.http(routes.optimizationsProposal.name, {
  ...httpTrigger(routes.optimizationsProposal, getOptimizationProposal),
  extraInputs: [durableClientInput],
});
