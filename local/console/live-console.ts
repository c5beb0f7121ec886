import type { DevhostHandle } from '../devhost/devhost.js';
import { ingestMetrics } from '../../shared/observability/ingest-metrics.js';

/** The function ingestion runs as (functions/ingest/telemetry-ingest.ts registers it under this name). */
const INGEST_FUNCTION = 'telemetryIngest';

export interface LiveSnapshot {
  pointsIn: number;
  silverRows: number;
  interpolated: number;
  filesWritten: number;
  batches: number;
  failedInvocations: number;
  abandonedBatches: number;
  latencyMs: { p50: number; p95: number; p99: number };
  quarantined: [string, number][];
  flagged: [string, number][];
  backlogEvents: number;
}

/** Prints a progress line every interval: points in per second, enqueue→silver latency, quarantine, files, backlog. */
export class LiveConsole {
  private readonly checkpointed = new Map<string, number>();
  private failed = 0;
  private abandoned = 0;
  private lastFailure: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPoints = 0;
  private lastTickMs = Date.now();
  private readonly extras: (() => string)[] = [];

  constructor(
    private readonly devhost: DevhostHandle,
    private readonly hubName: string,
    private readonly simCounters: () => { pointsSent: number; lagMs: number },
    private readonly quiet: boolean,
    private readonly intervalMs = 2000,
  ) {
    // Events already in the hub when the console starts were either processed by an earlier run or will be now;
    // the backlog counts from here so an old, processed stream does not read as work outstanding.
    for (const p of devhost.hubStats().find((h) => h.hub === hubName)?.perPartition ?? [])
      this.checkpointed.set(p.partitionId, p.lastSequenceNumber);
    devhost.events.on('checkpoint', (e) => {
      // Only the ingest function's checkpoints: the alert evaluator reads the same hub on its own consumer group and
      // may be ahead, which would read as ingestion having caught up.
      if (e.hub === hubName && e.functionName === INGEST_FUNCTION)
        this.checkpointed.set(e.partitionId, Math.max(this.checkpointed.get(e.partitionId) ?? -1, e.sequenceNumber));
    });
    devhost.events.on('invocation', (e) => {
      if (!e.ok) {
        this.failed++;
        this.lastFailure = `${e.functionName}: ${e.error ?? 'failed'}`;
      }
    });
    devhost.events.on('batchAbandoned', (e) => {
      this.abandoned++;
      this.lastFailure = `${e.functionName} gave up on partition ${e.partitionId} events ${e.firstSequenceNumber}–${e.lastSequenceNumber}: ${e.error}`;
    });
  }

  /** Adds a part to every progress line (e.g. the optimisation runs); an empty string adds nothing. */
  addStatus(part: () => string): void {
    this.extras.push(part);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Events enqueued on the telemetry hub and not yet checkpointed by the ingest function. */
  backlog(): number {
    const stats = this.devhost.hubStats().find((h) => h.hub === this.hubName);
    if (!stats) return 0;
    let backlog = 0;
    for (const p of stats.perPartition)
      backlog += Math.max(0, p.lastSequenceNumber - (this.checkpointed.get(p.partitionId) ?? -1));
    return backlog;
  }

  /** Resolves once every enqueued event is checkpointed, or after `timeoutMs` (then says how many are left). */
  async waitForCatchUp(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.backlog() > 0) {
      if (Date.now() > deadline) {
        console.warn(
          `Ingestion did not catch up within ${timeoutMs / 1000} s: ${this.backlog()} events still unprocessed.`,
        );
        return false;
      }
      await new Promise<void>((resolve) => this.devhost.events.once('checkpoint', () => resolve()));
    }
    return true;
  }

  snapshot(): LiveSnapshot {
    const m = ingestMetrics;
    return {
      pointsIn: m.pointsIn,
      silverRows: m.silverRows,
      interpolated: m.interpolated,
      filesWritten: m.filesWritten,
      batches: m.batches,
      failedInvocations: this.failed,
      abandonedBatches: this.abandoned,
      latencyMs: { p50: m.latencyMs.quantile(0.5), p95: m.latencyMs.quantile(0.95), p99: m.latencyMs.quantile(0.99) },
      quarantined: m.quarantined.entries(),
      flagged: m.flagged.entries(),
      backlogEvents: this.backlog(),
    };
  }

  private tick(): void {
    if (this.quiet) return;
    const now = Date.now();
    const s = this.snapshot();
    const rate = ((s.pointsIn - this.lastPoints) * 1000) / Math.max(1, now - this.lastTickMs);
    this.lastPoints = s.pointsIn;
    this.lastTickMs = now;
    const q = s.quarantined.map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    const p95 = Number.isNaN(s.latencyMs.p95) ? '–' : `${Math.round(s.latencyMs.p95)} ms`;
    console.log(
      `[${new Date(now).toISOString().slice(11, 19)}] in ${Math.round(rate).toLocaleString('en')} pts/s · total ${s.pointsIn.toLocaleString('en')} · ` +
        `p95 enqueue→silver ${p95} · backlog ${s.backlogEvents} ev · files ${s.filesWritten} · quarantined: ${q}` +
        this.extras
          .map((part) => part())
          .filter(Boolean)
          .map((p) => ` · ${p}`)
          .join('') +
        (this.failed || this.abandoned
          ? ` · FAILED invocations ${this.failed}, abandoned batches ${this.abandoned} (last: ${this.lastFailure})`
          : ''),
    );
  }
}
