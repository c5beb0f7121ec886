import { randomUUID } from 'node:crypto';
import { app } from '@azure/functions';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { settings } from '../../shared/config/settings.js';
import { routes } from '../../shared/api/routes.js';
import { appVersion } from '../../shared/observability/version.js';
import { startOptimization } from '../../shared/api/optimizations.js';
import { durableClientInput, runClientOf } from '../orchestration/run-client.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/optimizations: starts `optimizationRun` for the line and answers 202 with the run's links. */
export const startOptimizationRun = apiHandler(
  routes.optimizationsStart,
  async ({ body, principal, requestId, ctx }) => {
    const { audit } = await modelStoreFromSettings();
    const { accepted, location } = await startOptimization(
      {
        client: runClientOf(ctx),
        audit,
        uuid: randomUUID,
        modelVersion: appVersion(),
        defaultApprovalTimeoutMinutes: settings().OPTIMIZATION_APPROVAL_TIMEOUT_MIN,
        plant: currentPlantFromSettings,
      },
      body,
      { subject: principal.subject, clientId: principal.clientId, correlationId: requestId, roles: principal.roles },
    );
    return { status: 202, body: accepted, headers: { location, 'retry-after': '2' } };
  },
);

app.http(routes.optimizationsStart.name, {
  ...httpTrigger(routes.optimizationsStart, startOptimizationRun),
  extraInputs: [durableClientInput],
});
