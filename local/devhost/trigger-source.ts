import type { DevhostEvents } from './events.js';
import type { HostRoute } from './http-server.js';
import type { HostKeys } from './keys.js';
import type { FunctionRegistry, RegisteredFunction } from './registry.js';
import type { HostConfig } from './settings.js';
import type { Clock } from './timer/clock.js';

/** What every trigger source may use; sources never reach into the devhost beyond this. */
export interface TriggerSourceContext {
  registry: FunctionRegistry;
  events: DevhostEvents;
  env: NodeJS.ProcessEnv;
  hostConfig: HostConfig;
  /** Root of the devhost's local state (.local/ by default). */
  dataDir: string;
  /** Time for schedules (timers, durable timers, retries); tests inject a ManualClock. */
  clock: Clock;
  /** The devhost's own base URL, e.g. `http://127.0.0.1:7071`; known from `start()` on (throws before). */
  httpUrl(): string;
  /** The host's keys (`<dataDir>/keys.json`): the system keys of the endpoints a source serves. */
  keys: HostKeys;
}

/**
 * A running source of invocations for one kind of trigger (Event Hub now; Service Bus, timers and Durable next).
 * `start` begins delivery; `stop` takes no new work, lets in-flight invocations finish and persists progress.
 */
export interface TriggerSource {
  readonly kind: string;
  /** Endpoints the source serves on the devhost's HTTP server (e.g. the Durable Functions HTTP API). */
  readonly httpRoutes?: HostRoute[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the source for the registered functions whose trigger type it serves (case-insensitive match). */
export interface TriggerSourceFactory {
  readonly triggerTypes: readonly string[];
  create(ctx: TriggerSourceContext, functions: RegisteredFunction[]): TriggerSource;
}
