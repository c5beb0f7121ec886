/**
 * What the control room is pushed about cells: every cell's latest good values, cleansed exactly as ingestion
 * cleanses them, held in memory and handed out at most once per cell per interval. It runs beside ingestion on a
 * consumer group of its own (functions/realtime/telemetry-live.ts), so the push channel never slows or fails a batch
 * of ingestion, and the screen is not held to the Cosmos write cadence of the hot state.
 */
import { cleanseEvents, type IngestEvent, type IngestSettings } from './ingest.js';
import { latestGoodByCell, mergeLatest, type CellStateDoc } from './hot-state.js';
import type { SensorStateStore } from './sensor-state.js';
import type { TagResolver } from './tag-resolution.js';

export interface LiveCellsOptions {
  sensors: SensorStateStore;
  settings: Pick<IngestSettings, 'CLEANSING_WINDOW' | 'INTERPOLATE_MAX_GAP_INTERVALS' | 'lateThresholdMs'>;
  /** At most one hand-out of a cell per this many ms (LIVE_PUSH_INTERVAL_MS); 0 hands out every change. */
  minIntervalMs: number;
}

export class LiveCells {
  private readonly docs = new Map<string, CellStateDoc>();
  private readonly changed = new Set<string>();
  private readonly lastOutMs = new Map<string, number>();

  constructor(private readonly options: LiveCellsOptions) {}

  /**
   * Cleanses a batch of telemetry events, merges each cell's latest good values, and returns the cells that changed
   * and are due (a cell changed within its interval waits and comes with a later batch, whether or not that batch
   * carries it). Malformed input, and equipment or tags the plant model in force (`tags`) does not know, is skipped
   * here: ingestion quarantines it, so the screen shows no cell the lake would not hold.
   */
  observe(events: readonly IngestEvent[], nowMs: number, tags: TagResolver): CellStateDoc[] {
    if (events.length > 0) {
      const { rows } = cleanseEvents(events, {
        sensors: this.options.sensors,
        tags,
        settings: { TELEMETRY_HUB: '', TELEMETRY_CONSUMER_GROUP: '', ...this.options.settings },
        now: () => nowMs,
      });
      for (const [cellId, tags] of latestGoodByCell(rows)) {
        const { next, changed } = mergeLatest(this.docs.get(cellId), cellId, tags, nowMs);
        if (!changed) continue;
        this.docs.set(cellId, { ...next, updatedAtMs: nowMs });
        this.changed.add(cellId);
      }
    }
    return this.takeDue(nowMs);
  }

  private takeDue(nowMs: number): CellStateDoc[] {
    const out: CellStateDoc[] = [];
    for (const cellId of [...this.changed].sort()) {
      if (nowMs - (this.lastOutMs.get(cellId) ?? -Infinity) < this.options.minIntervalMs) continue;
      this.changed.delete(cellId);
      this.lastOutMs.set(cellId, nowMs);
      out.push(this.docs.get(cellId)!);
    }
    return out;
  }
}
