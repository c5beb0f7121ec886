import { ConnectionInfo } from '../../realtime/messages.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS } from '../../http/route-spec.js';

/**
 * The control room's push channel (Azure SignalR Service, serverless mode). The `@microsoft/signalr` client is given
 * `…/v1/realtime` and posts to `…/v1/realtime/negotiate` itself; the answer sends it on to the service.
 */
export const realtimeRoutes = {
  realtimeNegotiate: defineRoute({
    name: 'realtime-negotiate',
    method: 'POST',
    path: v1('realtime/negotiate'),
    access: READERS,
    summary:
      'Where the control room connects for live updates (cells, overrides, alerts, runs, commands): the SignalR hub URL and an access token',
    tag: 'realtime',
    changesNothing: true,
    responses: {
      200: { description: 'Connect to `url` with `accessToken` (valid one hour)', schema: ConnectionInfo },
      503: { description: 'The push service gave no connection info' },
    },
  }),
} as const;
