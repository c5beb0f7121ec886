import { app } from '@azure/functions';
import { commandStoreFromSettings } from '../../shared/azure/scada-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { commandStatus } from '../../shared/api/setpoints.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/setpoint-commands/{commandId}: one command's state, verdict, attempts and acknowledgement. */
export const getSetpointCommand = apiHandler(routes.setpointCommand, async ({ params }) => {
  return { status: 200, body: await commandStatus(await commandStoreFromSettings(), params.commandId) };
});

app.http(routes.setpointCommand.name, httpTrigger(routes.setpointCommand, getSetpointCommand));
