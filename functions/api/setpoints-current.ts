import { app } from '@azure/functions';
import { commandStoreFromSettings } from '../../shared/azure/scada-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { currentSetPoints } from '../../shared/api/setpoints.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/cells/{cellId}/setpoints: per field the value the PLC last acknowledged, and the commands under way. */
export const getCurrentSetpoints = apiHandler(routes.setpointsCurrent, async ({ params }) => {
  return { status: 200, body: await currentSetPoints(await commandStoreFromSettings(), params.cellId) };
});

app.http(routes.setpointsCurrent.name, httpTrigger(routes.setpointsCurrent, getCurrentSetpoints));
