/**
 * Follows the optimisation runs of `npm start` through the devhost's Durable HTTP API (what a client of the status
 * API sees) for the live status line and the summary: per line the newest run's step, or how the last one ended
 * ("opt L1 completed −1.8 % SEC, 12 cells").
 */
import { OptimizationRunInput, OptimizationRunResult, type RunProgress } from '../../shared/orchestration/schemas.js';

interface Instance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
}

export interface OptimizationTally {
  runs: number;
  completed: number;
  fallback: number;
  failed: number;
  running: number;
  setPointEvents: number;
}

const pct = (x: number | null) => (x === null ? '–' : `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(1)} %`);

/** One line's newest run in a few words. */
export function describeRun(i: Instance): string {
  const input = OptimizationRunInput.safeParse(i.input);
  const line = input.success ? input.data.lineId : '?';
  if (i.runtimeStatus === 'Pending' || i.runtimeStatus === 'Running') {
    const p = i.customStatus as Partial<RunProgress> | null;
    const progress = p && p.total ? ` ${p.done}/${p.total}` : '';
    return `opt ${line} ${p?.step ?? 'pending'}${progress}`;
  }
  if (i.runtimeStatus === 'Failed') return `opt ${line} failed: ${String(i.output).slice(0, 80)}`;
  const r = OptimizationRunResult.safeParse(i.output);
  if (!r.success) return `opt ${line} ${i.runtimeStatus.toLowerCase()}`;
  const change =
    r.data.baselineKWhPerKg && r.data.objectiveKWhPerKg !== null
      ? ((r.data.objectiveKWhPerKg - r.data.baselineKWhPerKg) / r.data.baselineKWhPerKg) * 100
      : null;
  if (r.data.outcome === 'applied') return `opt ${line} completed ${pct(change)} SEC, ${r.data.cellsChanged} cells`;
  return `opt ${line} ${r.data.status} (${r.data.outcome})`;
}

export class OptimizationWatch {
  private instances: Instance[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly httpUrl: string,
    /** The devhost's `durabletask_extension` key (or its master key): the Durable webhook takes it. */
    private readonly durableKey: string,
    private readonly sinceMs: number,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the runs started since the watch began; a failed read keeps the last known state. */
  async refresh(): Promise<void> {
    try {
      const from = new Date(this.sinceMs).toISOString();
      const res = await fetch(
        `${this.httpUrl}/runtime/webhooks/durabletask/instances?instanceIdPrefix=opt-&createdTimeFrom=${encodeURIComponent(from)}`,
        { headers: { 'x-functions-key': this.durableKey } },
      );
      if (res.ok) this.instances = ((await res.json()) as Instance[]).filter((i) => i.name === 'optimizationRun');
    } catch {
      // The devhost is stopping or busy: the next tick tries again.
    }
  }

  /**
   * Waits up to `timeoutMs` for the runs in progress to end (a run waiting for an approval is not waited for), so a
   * summary taken right after a slot counts what its runs recommended. Resolves early when none is going.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.refresh();
      const going = this.instances.some(
        (i) =>
          (i.runtimeStatus === 'Pending' || i.runtimeStatus === 'Running') &&
          (i.customStatus as Partial<RunProgress> | null)?.step !== 'awaiting-approval',
      );
      if (!going || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Per line, the newest run in a few words, lines in order; empty before the first run. */
  statusLine(): string {
    const newest = new Map<string, Instance>();
    for (const i of this.instances) {
      const line = OptimizationRunInput.safeParse(i.input).data?.lineId ?? '?';
      const cur = newest.get(line);
      if (!cur || i.createdTime > cur.createdTime) newest.set(line, i);
    }
    return [...newest.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, i]) => describeRun(i))
      .join(' · ');
  }

  tally(): OptimizationTally {
    const t: OptimizationTally = {
      runs: this.instances.length,
      completed: 0,
      fallback: 0,
      failed: 0,
      running: 0,
      setPointEvents: 0,
    };
    for (const i of this.instances) {
      if (i.runtimeStatus === 'Failed') t.failed++;
      else if (i.runtimeStatus !== 'Completed') t.running++;
      const r = OptimizationRunResult.safeParse(i.output);
      if (!r.success) continue;
      if (r.data.status === 'completed') t.completed++;
      if (r.data.status === 'fallback') t.fallback++;
      t.setPointEvents += r.data.setPointEvents;
    }
    return t;
  }
}
