import { app } from '@azure/functions';
import { auditLogFromSettings } from '../../shared/azure/cosmos-audit-log.js';
import { labLakeFromSettings } from '../../shared/azure/lab-dependencies.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';
import { uploadLabSamples } from '../../shared/api/lab-samples.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** POST v1/lab-samples: stores the good rows of a lab batch and answers each bad row with its code and field. */
export const uploadLabSamplesHandler = apiHandler(routes.labSamplesUpload, async ({ body, principal, requestId }) => {
  const [lake, audit] = await Promise.all([labLakeFromSettings(), auditLogFromSettings()]);
  const actor = { subject: principal.subject, clientId: principal.clientId, correlationId: requestId };
  return {
    status: 200,
    body: await uploadLabSamples({ lake, audit, plant: currentPlantFromSettings }, body, actor),
  };
});

app.http(routes.labSamplesUpload.name, httpTrigger(routes.labSamplesUpload, uploadLabSamplesHandler));
