import { app } from '@azure/functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { runStoreFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { eventPublisherFromSettings } from '../../shared/azure/scada-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { decideOptimization } from '../../shared/api/optimizations.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { apiHandler, httpTrigger } from './respond.js';

/**
 * POST v1/optimizations/{runId}/approval: approves or rejects a waiting advisory run (409 when it is not waiting). Its
 * ledger event is queued once the decision reached the run: a topic outage delays it, never the answer.
 */
export const approveOptimizationRun = apiHandler(
  routes.optimizationsApprove,
  async ({ params, body, principal, requestId, ctx }) => {
    const [{ audit }, publisher, runs] = await Promise.all([
      modelStoreFromSettings(),
      eventPublisherFromSettings(),
      runStoreFromSettings(),
    ]);
    const deps = { client: runClientOf(ctx), audit, publisher, runs, warn: (m: string) => ctx.warn(m) };
    const accepted = await decideOptimization(deps, params.runId, body, {
      subject: principal.subject,
      clientId: principal.clientId,
      correlationId: requestId,
    });
    return { status: 202, body: accepted };
  },
);

app.http(routes.optimizationsApprove.name, {
  ...httpTrigger(routes.optimizationsApprove, approveOptimizationRun),
  extraInputs: [durableClientInput],
});
