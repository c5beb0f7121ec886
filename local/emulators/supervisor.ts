/**
 * Keeps an emulator running: when its process ends without being asked to (killed, crashed, out of memory), it is
 * started again on the same ports and data, so every client's endpoint stays valid and the app's clients carry on
 * by themselves once it answers (the durable stores keep what they acknowledged). Each stop and restart is told, so
 * the console says what happened instead of the app failing in silence.
 */

export interface Supervisable {
  stop(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SupervisorOptions<H extends Supervisable> {
  /** What the console calls it: "Azurite", "the Cosmos DB server". */
  name: string;
  /** Starts it; `previous` is the handle that died (start the new one on its ports), undefined the first time. */
  start: (previous: H | undefined) => Promise<H>;
  /** Where it listens, for the messages. */
  describe: (handle: H) => string;
  log: (level: 'warning' | 'error' | 'information', message: string) => void;
  /** Pauses between failed restarts, ms (default 1 s doubling to 30 s); tests make them short. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export interface Supervised<H extends Supervisable> {
  /** The running instance (the newest one after a restart). */
  current(): H;
  /** How many times it was restarted. */
  restarts(): number;
  /** Resolves once the instance that is starting now (if any) serves. */
  whenRunning(): Promise<H>;
  /** Stops it for good (no restart follows). */
  stop(): Promise<void>;
}

/** Starts the emulator and supervises it until `stop()`. */
export async function supervise<H extends Supervisable>(options: SupervisorOptions<H>): Promise<Supervised<H>> {
  const firstRetryMs = options.firstRetryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let current = await options.start(undefined);
  let running: Promise<H> = Promise.resolve(current);
  let stopping = false;
  let restarts = 0;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = (handle: H): void => {
    void handle.exited.then(({ code, signal }) => {
      if (stopping || handle !== current) return;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      options.log(
        'warning',
        `${options.name} ${how}; restarting it on ${options.describe(handle)}. Requests to it fail until it is back; consumers wait and retry.`,
      );
      running = restartAfter(handle);
    });
  };

  const restartAfter = async (dead: H): Promise<H> => {
    const startedMs = Date.now();
    for (let attempt = 1; !stopping; attempt++) {
      try {
        const next = await options.start(dead);
        if (stopping) {
          await next.stop();
          break;
        }
        current = next;
        restarts++;
        watch(next);
        options.log(
          'warning',
          `${options.name} is back on ${options.describe(next)} after ${((Date.now() - startedMs) / 1000).toFixed(1)} s (restart ${restarts}); what it acknowledged before is kept.`,
        );
        return next;
      } catch (err) {
        const delayMs = Math.min(maxRetryMs, firstRetryMs * 2 ** (attempt - 1));
        options.log(
          'error',
          `${options.name} could not be restarted (attempt ${attempt}): ${err instanceof Error ? err.message : String(err)}; trying again in ${delayMs / 1000} s.`,
        );
        await pause(delayMs);
      }
    }
    return current;
  };

  watch(current);
  return {
    current: () => current,
    restarts: () => restarts,
    whenRunning: () => running,
    stop: async () => {
      stopping = true;
      wake?.();
      await running.catch(() => undefined);
      await current.stop();
    },
  };
}
