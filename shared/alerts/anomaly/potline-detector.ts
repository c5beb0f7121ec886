/**
 * Anomaly detection over a whole stream: one CellAnomalyDetector per cell, and the `smelter.anomaly.detected`
 * events they produce (id derived from cell, type and time, so a replayed stream publishes the same events).
 */
import { cloudEvent, type PlantEvent } from '../../messaging/cloud-event.js';
import { PlantEventType } from '../../messaging/subscriptions.js';
import { AnomalyTuning, CellAnomalyDetector, type Anomaly } from './cell-detector.js';

export class PotlineAnomalyDetector {
  private readonly cells = new Map<string, CellAnomalyDetector>();
  private readonly tuning: AnomalyTuning;

  constructor(tuning: Partial<AnomalyTuning> = {}) {
    this.tuning = AnomalyTuning.parse(tuning);
  }

  /** Feeds one cleansed point (canonical units); returns anomalies it completes. */
  observe(p: { lineId: string; cellId: string; tag: string; tsMs: number; value: number }): Anomaly[] {
    let d = this.cells.get(p.cellId);
    if (!d) {
      d = new CellAnomalyDetector(p.cellId, p.lineId, this.tuning);
      this.cells.set(p.cellId, d);
    }
    return d.observe(p.tag, p.tsMs, p.value);
  }
}

/** The plant event announcing an anomaly (on the `alerts` subscription). */
export function anomalyEvent(a: Anomaly, source = '/functions/anomalyDetection'): PlantEvent {
  return cloudEvent(
    PlantEventType.anomalyDetected,
    a.cellId,
    { ...a, detectedAt: new Date(a.detectedAtMs).toISOString() },
    { id: `${a.anomalyType}/${a.detectedAtMs}`, source, time: new Date(a.detectedAtMs) },
  );
}
