import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { nextOccurrence, type Schedule } from './ncrontab.js';

/** The TimerInfo the Functions host passes to a timer trigger (the library camel-cases its keys). */
export interface TimerInfo {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: { Last: string; Next: string; LastUpdated: string } | null;
  IsPastDue: boolean;
}

/** The schedule monitor record (Azure keeps it in blob storage under azure-webjobs-hosts/timers/…). */
const MonitorStatus = z.object({ last: z.string(), next: z.string(), lastUpdated: z.string() });
type MonitorStatus = z.infer<typeof MonitorStatus>;

export interface TimerSchedulerOptions {
  schedule: Schedule;
  clock: Clock;
  /** Runs the function once (with its retries); the scheduler waits for it, so occurrences never overlap (the host's singleton lock). `stop` aborts when the scheduler stops. */
  fire(info: TimerInfo, stop: AbortSignal): Promise<void>;
  runOnStartup?: boolean;
  /** Persist last/next occurrence so a missed occurrence runs on the next start with IsPastDue (default true, as Azure). */
  useMonitor?: boolean;
  /** File of the monitor record (required when useMonitor). */
  statusFile?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Fires one timer function on its schedule: at start a past-due run if the monitor shows a missed occurrence,
 * then runOnStartup if set, then every occurrence in order. One run at a time.
 */
export class TimerScheduler {
  #cancel: (() => void) | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #stop = new AbortController();
  #last: number | undefined;

  constructor(private readonly o: TimerSchedulerOptions) {}

  /** Starts the schedule; resolves once the start-up runs (past due, runOnStartup) have finished. */
  async start(): Promise<void> {
    const now = this.o.clock.now();
    const monitor = this.#useMonitor ? this.#readStatus() : undefined;
    if (monitor) this.#last = Date.parse(monitor.last);
    if (monitor && Date.parse(monitor.next) <= now) await this.#run(Date.parse(monitor.next), true);
    if (this.o.runOnStartup) await this.#run(now, false);
    this.#arm(nextOccurrence(this.o.schedule, this.o.clock.now()));
  }

  /** Cancels the next occurrence and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stop.abort();
    this.#cancel?.();
    await this.#running;
  }

  get #useMonitor(): boolean {
    return (this.o.useMonitor ?? true) && !!this.o.statusFile;
  }

  #arm(atMs: number): void {
    if (this.#stopped) return;
    if (this.#useMonitor)
      this.#writeStatus({ last: iso(this.#last ?? atMs), next: iso(atMs), lastUpdated: iso(this.o.clock.now()) });
    this.#cancel = this.o.clock.setTimer(atMs, () => {
      this.#running = this.#run(atMs, false).then(() =>
        this.#arm(nextOccurrence(this.o.schedule, Math.max(atMs, this.o.clock.now()))),
      );
    });
  }

  async #run(occurrenceMs: number, isPastDue: boolean): Promise<void> {
    if (this.#stopped) return;
    const next = nextOccurrence(this.o.schedule, Math.max(occurrenceMs, this.o.clock.now()));
    const info: TimerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: iso(this.#last ?? occurrenceMs), Next: iso(next), LastUpdated: iso(this.o.clock.now()) },
      IsPastDue: isPastDue,
    };
    await this.o.fire(info, this.#stop.signal);
    this.#last = occurrenceMs;
    if (this.#useMonitor)
      this.#writeStatus({ last: iso(occurrenceMs), next: iso(next), lastUpdated: iso(this.o.clock.now()) });
  }

  #readStatus(): MonitorStatus | undefined {
    const file = this.o.statusFile;
    if (!file || !existsSync(file)) return undefined;
    const parsed = MonitorStatus.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  }

  #writeStatus(status: MonitorStatus): void {
    const file = this.o.statusFile;
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(status));
    renameSync(`${file}.tmp`, file); // a reader never sees half a record
  }
}
