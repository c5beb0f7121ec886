/** A sink that keeps every body in memory, in order: for tests, benchmarks and scoring runs without a hub. */
import type { EventBody } from '../bodies.js';
import type { TelemetrySink } from './sink.js';

export interface MemorySink extends TelemetrySink {
  readonly events: EventBody[];
}

export function memorySink(): MemorySink {
  const events: EventBody[] = [];
  return {
    events,
    send: async (batch) => {
      for (const e of batch) events.push(e);
    },
  };
}
