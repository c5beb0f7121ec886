import { app, type InvocationContext } from '@azure/functions';
import { parsePlantEvent } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { messagesOfPlantEvent } from '../../shared/realtime/live-messages.js';
import { controlRoomOutput, pushToControlRoom } from './control-room-output.js';

/**
 * Pushes what the control room shows changing — overrides, optimisation runs, SCADA commands, alerts, plant-model
 * versions — to every open screen, from the plant events of the `controlroom` subscription. Pushing from the topic
 * rather than from the functions that make the changes keeps the push off their path: an unavailable SignalR Service
 * delays screens, it never fails a manual override, a dispatch or a run (the subscription redelivers, then
 * dead-letters after ten attempts or five minutes).
 */
export async function controlRoomFeed(message: unknown, context: InvocationContext): Promise<void> {
  const event = parsePlantEvent(typeof message === 'string' ? JSON.parse(message) : message);
  pushToControlRoom(context, messagesOfPlantEvent(event, Date.now()));
}

app.serviceBusTopic('controlRoomFeed', {
  connection: 'ServiceBusConnection',
  topicName: PLANT_EVENTS_TOPIC,
  subscriptionName: 'controlroom',
  extraOutputs: [controlRoomOutput],
  handler: controlRoomFeed,
});
