import { app, trigger, type InvocationContext } from '@azure/functions';
import { currentTagResolver } from '../../shared/azure/tag-resolver-dependencies.js';
import { settings } from '../../shared/config/settings.js';
import { cellStatesMessages } from '../../shared/realtime/live-messages.js';
import { newSensorStateStore } from '../../shared/telemetry/cleanse.js';
import { LiveCells } from '../../shared/telemetry/live-cells.js';
import { eventsFromTrigger } from '../../shared/telemetry/trigger-events.js';
import { controlRoomOutput, pushToControlRoom } from './control-room-output.js';

let live: LiveCells | undefined;

/** One tracker per process: its sensor windows and each cell's latest values live between batches. */
function liveCells(): LiveCells {
  if (!live) {
    const s = settings();
    live = new LiveCells({
      sensors: newSensorStateStore(s.CLEANSING_WINDOW),
      settings: s,
      minIntervalMs: s.LIVE_PUSH_INTERVAL_MS,
    });
  }
  return live;
}

/**
 * Pushes every cell's latest good values to the control room (at most once per cell per LIVE_PUSH_INTERVAL_MS),
 * cleansed as ingestion cleanses them. Its own consumer group keeps it off ingestion's path: a push that fails loses
 * a second of the live view, never a batch of the lake (no retry policy: old values are not worth sending again).
 */
export async function telemetryLive(bodies: unknown[], context: InvocationContext): Promise<void> {
  const events = eventsFromTrigger(bodies, context.triggerMetadata ?? {});
  // The plant model in force, as ingestion resolves it: equipment it does not know never reaches the screen.
  const tags = await currentTagResolver();
  const nowMs = Date.now();
  const due = liveCells().observe(events, nowMs, tags);
  pushToControlRoom(context, cellStatesMessages(due, nowMs));
}

// dataType 'binary': the bodies the plant sent, parsed and cleansed here exactly as ingestion does.
const liveTrigger = {
  ...trigger.eventHub({
    connection: 'EventHubConnection',
    eventHubName: '%TELEMETRY_HUB%',
    consumerGroup: '%TELEMETRY_LIVE_CONSUMER_GROUP%',
    cardinality: 'many',
  }),
  dataType: 'binary',
};

app.generic('telemetryLive', {
  trigger: liveTrigger,
  extraOutputs: [controlRoomOutput],
  handler: (bodies, context) => telemetryLive(bodies as unknown[], context),
});
