/**
 * Time sources for the runner: the wall clock for real-time pacing, and a virtual clock that jumps ahead at
 * once so tests and benchmarks run as fast as the machine allows.
 */
export interface Clock {
  nowMs(): number;
  /** Resolves once nowMs() ≥ atMs (a virtual clock jumps there). */
  sleepUntil(atMs: number): Promise<void>;
}

/** The wall clock (Date.now, setTimeout). */
export function realClock(): Clock {
  return {
    nowMs: () => Date.now(),
    sleepUntil: (atMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now()))),
  };
}

/** A clock that only moves when slept on; it yields to the event loop so other work (I/O, stop()) still runs. */
export function virtualClock(startMs: number): Clock {
  let now = startMs;
  return {
    nowMs: () => now,
    sleepUntil: (atMs) => {
      now = Math.max(now, atMs);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}
