import { app } from '@azure/functions';
import { routes } from '../../shared/api/routes.js';
import { ApiError } from '../../shared/http/errors.js';
import { ConnectionInfo } from '../../shared/realtime/messages.js';
import { controlRoomConnectionInput } from '../realtime/control-room-output.js';
import { apiHandler, httpTrigger } from './respond.js';

/**
 * POST v1/realtime/negotiate: the SignalR hub's URL and an access token, for callers whose bearer token the pipeline
 * accepted (the binding itself checks nobody). The SignalR client posts here and follows the answer to the service.
 */
export const negotiateRealtime = apiHandler(routes.realtimeNegotiate, async ({ ctx }) => {
  const info = ConnectionInfo.safeParse(ctx.extraInputs.get(controlRoomConnectionInput));
  if (!info.success)
    throw new ApiError(
      'dependencyUnavailable',
      'The live push service gave no connection info; check the AzureSignalRConnectionString__serviceUri setting and the SignalR Service. The control room still works without live updates (reload to refresh).',
      [{ field: 'signalRConnectionInfo', issue: 'missing or malformed' }],
    );
  return { status: 200, body: info.data };
});

app.http(routes.realtimeNegotiate.name, {
  ...httpTrigger(routes.realtimeNegotiate, negotiateRealtime),
  extraInputs: [controlRoomConnectionInput],
});
