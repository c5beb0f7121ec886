/**
 * The time source of the devhost's schedulers (timer triggers, durable timers, activity retries). Production code
 * uses the system clock; tests inject a ManualClock and move time explicitly, so nothing waits on the wall clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once when the clock reaches `atMs` (immediately-ish if already past); returns a cancel function. */
  setTimer(atMs: number, fn: () => void): () => void;
}

/** Longest delay setTimeout accepts, ms (Node.js: a 32-bit signed integer; larger delays fire at once). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The real clock; long waits are chained so a timer days away still fires at its time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(atMs, fn) {
    let handle: NodeJS.Timeout | undefined;
    const arm = () => {
      const delay = atMs - Date.now();
      if (delay > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
      else handle = setTimeout(fn, Math.max(0, delay));
      handle.unref?.();
    };
    arm();
    return () => {
      if (handle) clearTimeout(handle);
    };
  },
};

interface ManualTimer {
  atMs: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to; due timers fire in time order (ties in creation order) during `advanceBy`/`set`. */
export class ManualClock implements Clock {
  #nowMs: number;
  #seq = 0;
  #timers: ManualTimer[] = [];

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimer(atMs: number, fn: () => void): () => void {
    const timer = { atMs, seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advanceBy(ms: number): void {
    this.set(this.#nowMs + ms);
  }

  /** Moves time to `atMs` (never backwards), firing due timers in order. */
  set(atMs: number): void {
    for (;;) {
      const due = this.#timers.filter((t) => t.atMs <= atMs).sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#nowMs = Math.max(this.#nowMs, due.atMs);
      due.fn();
    }
    this.#nowMs = Math.max(this.#nowMs, atMs);
  }
}

/** Waits `ms` on `clock`; resolves true when the time has passed, false when `signal` aborted first. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = clock.setTimer(clock.now() + ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
