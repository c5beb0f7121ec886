/** The port every telemetry destination implements: an in-process hub, the devhost over HTTP, or Azure Event Hubs. */
import type { EventBody } from '../bodies.js';

export interface TelemetrySink {
  /** Delivers the bodies (each with its partition key); resolves once the destination has accepted them. */
  send(events: EventBody[]): Promise<void>;
  /** Releases connections, if the sink holds any. */
  close?(): Promise<void>;
}
