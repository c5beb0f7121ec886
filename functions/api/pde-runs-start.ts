import { randomUUID } from 'node:crypto';
import { app } from '@azure/functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { routes } from '../../shared/api/routes.js';
import { startPdeRun } from '../../shared/api/pde-runs.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/pde-models/{modelId}/runs: starts `pdeRun` for the model and answers 202 with the run's link. */
export const startPdeModelRun = apiHandler(routes.pdeRunsStart, async ({ params, principal, requestId, ctx }) => {
  const { models, audit } = await modelStoreFromSettings();
  const { accepted, location } = await startPdeRun(
    { client: runClientOf(ctx), models, audit, uuid: randomUUID },
    params.modelId,
    { subject: principal.subject, clientId: principal.clientId, correlationId: requestId },
  );
  return { status: 202, body: accepted, headers: { location, 'retry-after': '2' } };
});

app.http(routes.pdeRunsStart.name, {
  ...httpTrigger(routes.pdeRunsStart, startPdeModelRun),
  extraInputs: [durableClientInput],
});
