import { app } from '@azure/functions';
import { commandStoreFromSettings } from '../../shared/azure/scada-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { setpointHistory } from '../../shared/api/setpoints.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/cells/{cellId}/setpoints/history: the cell's commands, newest first, a page at a time. */
export const getSetpointHistory = apiHandler(routes.setpointsHistory, async ({ params, query }) => {
  return { status: 200, body: await setpointHistory(await commandStoreFromSettings(), params.cellId, query) };
});

app.http(routes.setpointsHistory.name, httpTrigger(routes.setpointsHistory, getSetpointHistory));
