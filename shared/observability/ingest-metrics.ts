import { count, observe } from './instruments.js';
import { Counter, LatencyWindow } from './metrics.js';

/** What one ingested batch reports (a structural subset of the ingest summary). */
export interface IngestFigures {
  pointsIn: number;
  silverRows: number;
  interpolated: number;
  quarantinedByReason: Partial<Record<string, number>>;
  flaggedByFlag: Partial<Record<string, number>>;
  silverPointsByLine: Readonly<Record<string, number>>;
  files: readonly string[];
  enqueueToWrittenMs: readonly number[];
}

/** Running totals of ingestion in this process, for the live console and the run summary. */
export const ingestMetrics = {
  batches: 0,
  pointsIn: 0,
  silverRows: 0,
  interpolated: 0,
  filesWritten: 0,
  /** Batches parked after their retries, and batches that could not even be parked. */
  parked: 0,
  parkFailures: 0,
  quarantined: new Counter(),
  flagged: new Counter(),
  /** Enqueue → silver written, per event, in ms. */
  latencyMs: new LatencyWindow(50_000),
};

/** Adds one batch's figures to the running totals and to the OpenTelemetry instruments (METRICS.ingest*). */
export function recordIngest(f: IngestFigures): void {
  for (const [line, n] of Object.entries(f.silverPointsByLine)) count('ingestPoints', n, { line });
  for (const [reason, n] of Object.entries(f.quarantinedByReason)) count('ingestQuarantined', n ?? 0, { reason });
  for (const ms of f.enqueueToWrittenMs) observe('ingestLag', ms);
  ingestMetrics.batches++;
  ingestMetrics.pointsIn += f.pointsIn;
  ingestMetrics.silverRows += f.silverRows;
  ingestMetrics.interpolated += f.interpolated;
  ingestMetrics.filesWritten += f.files.length;
  for (const [reason, n] of Object.entries(f.quarantinedByReason)) ingestMetrics.quarantined.add(reason, n ?? 0);
  for (const [flag, n] of Object.entries(f.flaggedByFlag)) ingestMetrics.flagged.add(flag, n ?? 0);
  for (const ms of f.enqueueToWrittenMs) ingestMetrics.latencyMs.record(ms);
}

/** Counts a batch parked after its retries (METRICS.ingestParked), for the alert and the local summary. */
export function recordParked(partition: string): void {
  count('ingestParked', 1, { partition });
  ingestMetrics.parked++;
}

/** Counts a batch that could be neither ingested nor parked (METRICS.ingestParkFailures). */
export function recordParkFailure(partition: string): void {
  count('ingestParkFailures', 1, { partition });
  ingestMetrics.parkFailures++;
}

/** Clears the running totals (a benchmark measures each phase on its own). */
export function resetIngestMetrics(): void {
  ingestMetrics.batches = 0;
  ingestMetrics.pointsIn = 0;
  ingestMetrics.silverRows = 0;
  ingestMetrics.interpolated = 0;
  ingestMetrics.filesWritten = 0;
  ingestMetrics.parked = 0;
  ingestMetrics.parkFailures = 0;
  ingestMetrics.quarantined = new Counter();
  ingestMetrics.flagged = new Counter();
  ingestMetrics.latencyMs = new LatencyWindow(50_000);
}
