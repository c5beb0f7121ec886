/**
 * The port through which a producer inside the platform puts telemetry on the telemetry hub (DESIGN §4: one point, an
 * array, or `{ points }` per body; partition key = cellId, so one sensor's points stay in order for the cleanser).
 * Implementations: @azure/event-hubs in Azure, the devhost's hub locally (shared/azure/telemetry-hub-sender.ts).
 */

/** One event for the telemetry hub. */
export interface HubEvent {
  /** A body of the hub's contract, as the plant would send it (bytes kept exactly for bronze). */
  body: string;
  /** The cell (or `<line>-LINE`) the points are of. */
  partitionKey: string;
}

export interface TelemetryHubSender {
  /** Resolves once the hub accepted every event; rejects otherwise, and the caller sends them all again. */
  send(events: readonly HubEvent[]): Promise<void>;
}
