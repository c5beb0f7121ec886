import { describe, expect, it } from 'vitest';
import { simulateAndDetect } from '../../../bench/fanout-ledger-alerts.js';
import { parsePlantEvent } from '../../messaging/cloud-event.js';
import { anomalyEvent } from './potline-detector.js';
import { scoreAnomalies } from './scoring.js';

describe('anomaly detection against the simulator’s labels', () => {
  it('finds anode effects and their precursors with the plant’s 80 % precision and recall', async () => {
    const sim = await simulateAndDetect({ cells: 6, hours: 3, seed: 7, chokesPerCellDay: 30, ratePerMin: 900 });
    const scores = scoreAnomalies(sim.detections, sim.labels);
    expect(scores.anode_effect!.labels).toBeGreaterThanOrEqual(5);
    expect(scores.anode_effect!.precision).toBeGreaterThanOrEqual(0.8);
    expect(scores.anode_effect!.recall).toBeGreaterThanOrEqual(0.8);
    expect(scores.anode_effect_precursor!.precision).toBeGreaterThanOrEqual(0.8);
    expect(scores.anode_effect_precursor!.recall).toBeGreaterThanOrEqual(0.8);
    // A precursor comes before the effect it announces.
    expect(scores.anode_effect_precursor!.medianLeadS).toBeLessThan(0);
  });

  it('publishes each anomaly as a smelter.anomaly.detected CloudEvent with a replay-stable id', () => {
    const a = {
      anomalyType: 'anode_effect' as const,
      cellId: 'L1-C002',
      lineId: 'L1',
      tag: 'cellVoltage',
      detectedAtMs: Date.UTC(2025, 0, 1),
      score: 34.2,
      detector: 'threshold' as const,
    };
    const e = parsePlantEvent(anomalyEvent(a));
    expect(e).toMatchObject({
      type: 'smelter.anomaly.detected',
      subject: 'L1-C002',
      data: { anomalyType: 'anode_effect', score: 34.2 },
    });
    expect(anomalyEvent(a).id).toBe(e.id);
  });

  it('scores a detection once against one label and leaves unlabelled types unscored', () => {
    const label = { kind: 'anode_effect', cellId: 'L1-C001', tsMs: 100_000, detail: { endTsMs: 160_000 } };
    const det = (type: 'anode_effect' | 'voltage_noise', t: number, cellId = 'L1-C001') => ({
      anomalyType: type,
      cellId,
      lineId: 'L1',
      tag: 'cellVoltage',
      detectedAtMs: t,
      score: 1,
      detector: 'threshold' as const,
    });
    const s = scoreAnomalies(
      [
        det('anode_effect', 100_500),
        det('anode_effect', 120_000),
        det('anode_effect', 100_500, 'L1-C002'),
        det('voltage_noise', 5),
      ],
      [label],
    );
    expect(s.anode_effect).toMatchObject({ detections: 3, labels: 1, truePositives: 1, precision: 0.333, recall: 1 });
    expect(s.voltage_noise).toEqual({ detections: 1 });
  });
});
