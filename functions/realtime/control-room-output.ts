import { input, output, type InvocationContext } from '@azure/functions';
import { CONTROL_ROOM_HUB, type SignalRMessage } from '../../shared/realtime/messages.js';

/**
 * The connection setting of Azure SignalR Service (serverless mode): in Azure `AzureSignalRConnectionString__serviceUri`
 * with the app's managed identity (no access key); locally the devhost serves the hub itself.
 */
export const SIGNALR_CONNECTION = 'AzureSignalRConnectionString';

/** The SignalR output every function that changes what the control room shows declares (`extraOutputs`). */
export const controlRoomOutput = output.generic({
  type: 'signalR',
  hubName: CONTROL_ROOM_HUB,
  connectionStringSetting: SIGNALR_CONNECTION,
});

/** The connection info (service URL and an access token for the hub) the negotiate function hands the browser. */
export const controlRoomConnectionInput = input.generic({
  type: 'signalRConnectionInfo',
  hubName: CONTROL_ROOM_HUB,
  connectionStringSetting: SIGNALR_CONNECTION,
});

/**
 * Hands `messages` to the control room's SignalR output, which the host sends once the function returns (a failed
 * send fails the invocation, and its trigger delivers again): so only functions whose failure harms nothing else
 * declare it (the live feeds, curation). A screen reads the API again after a reconnect, so a lost message costs a
 * stale screen until then, never a wrong action.
 */
export function pushToControlRoom(context: InvocationContext, messages: readonly SignalRMessage[]): void {
  if (messages.length === 0) return;
  const before = context.extraOutputs.get(controlRoomOutput);
  const earlier = Array.isArray(before) ? (before as SignalRMessage[]) : [];
  context.extraOutputs.set(controlRoomOutput, [...earlier, ...messages]);
}
