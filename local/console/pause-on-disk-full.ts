/**
 * In `npm start` the ingress bridge forwards the plant's telemetry to the local hub. When the devhost refuses intake
 * because its disk is full, the bridge holds the bodies (and so does the plant behind it: the bridge acknowledges a
 * message only once it is in the hub), offering them again every `retryMs` until they are taken: intake stops with
 * one message naming the full disk and resumes by itself, and no point is lost. Other failures are the caller's.
 */
import { DiskFullError } from '../devhost/disk-full.js';

export interface PauseOnDiskFullOptions {
  log: (line: string) => void;
  retryMs?: number;
  /** Waits `ms` (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

export function pauseOnDiskFull<T>(
  send: (batch: T) => void | Promise<void>,
  options: PauseOnDiskFullOptions,
): (batch: T) => Promise<void> {
  const retryMs = options.retryMs ?? 2_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let pausedSinceMs: number | undefined;
  return async (batch) => {
    for (;;) {
      try {
        await send(batch);
        if (pausedSinceMs !== undefined) {
          options.log(
            `Intake resumed after ${((Date.now() - pausedSinceMs) / 1000).toFixed(0)} s: the disk has room again; the held telemetry was sent, none lost.`,
          );
          pausedSinceMs = undefined;
        }
        return;
      } catch (err) {
        if (!(err instanceof DiskFullError)) throw err;
        if (pausedSinceMs === undefined) {
          pausedSinceMs = Date.now();
          options.log(`Intake paused: ${err.message} The simulated plant holds its telemetry meanwhile.`);
        }
        await sleep(retryMs);
      }
    }
  };
}
