/**
 * Streaming anomaly detectors for one cell, over cleansed telemetry in canonical units. Each kind fires once per
 * episode (then waits for the signal to settle), so an anomaly is an event, not a stream of samples.
 */
import { z } from 'zod';
import { Ewma, RobustWindow, TimeCusum } from './streaming-stats.js';

export const ANOMALY_TYPES = [
  'anode_effect',
  'anode_effect_precursor',
  'voltage_noise',
  'temperature_drift',
  'metal_tap',
  'beam_raise',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export interface Anomaly {
  anomalyType: AnomalyType;
  cellId: string;
  lineId: string;
  tag: string;
  detectedAtMs: number;
  /** Detector statistic at detection (z-score, CUSUM sum, volts …), for ranking. */
  score: number;
  detector: 'threshold' | 'cusum' | 'robust_z' | 'ewma';
}

export const AnomalyTuning = z.object({
  /** Anode effect: cell voltage at or above this, V (the industry's 8 V definition; IPCC 2019 Vol. 3 §4.4 uses it). */
  anodeEffectV: z.number().positive().default(8),
  /** Precursor: CUSUM allowance over the 30-min voltage baseline, V. */
  precursorAllowanceV: z.number().positive().default(0.08),
  /** Precursor: CUSUM decision interval, V·s (≈ 0.1 V excess over the allowance for 4 minutes). */
  precursorDecisionVs: z.number().positive().default(25),
  /** Voltage noise: robust z of the 1-minute noise level against the cell's last hour of noise levels. */
  noiseZ: z.number().positive().default(8),
  /** Temperature drift: CUSUM allowance over the 2-h bath baseline, °C, and decision interval, °C·s. */
  driftAllowanceC: z.number().positive().default(3),
  driftDecisionCs: z.number().positive().default(3600),
  /** Metal tap: drop of metal height below its 10-minute peak, cm (a daily tap lowers it 2–3 cm). */
  tapDropCm: z.number().positive().default(1.2),
  /** Beam raise: single-sample rise of the anode beam, cm (raises are 12–18 cm; ACD moves are millimetres). */
  beamRaiseCm: z.number().positive().default(5),
});
export type AnomalyTuning = z.infer<typeof AnomalyTuning>;

/** Baseline time constants, s: voltage 30 min (slower than feed cycles), bath 2 h (slower than the energy balance's tracking). */
const VOLTAGE_BASELINE_S = 30 * 60;
const BATH_BASELINE_S = 2 * 3600;
/** Noise level window: the mean |Δv| over this many voltage samples. */
const NOISE_SAMPLES = 60;
/** Noise history for the robust z-score: this many noise levels (one per NOISE_SAMPLES samples). */
const NOISE_HISTORY = 60;
/** Quiet period after an episode before the same kind can fire again, ms. */
const REFRACTORY_MS = 15 * 60_000;
/** How far out of order points may arrive and still be one episode, ms (the telemetry's clock-skew allowance). */
const REORDER_TOLERANCE_MS = 5 * 60_000;
/** Metal-height peak window, ms. */
const TAP_PEAK_WINDOW_MS = 10 * 60_000;

export class CellAnomalyDetector {
  private readonly voltageBaseline = new Ewma(VOLTAGE_BASELINE_S);
  private readonly precursor: TimeCusum;
  private readonly bathBaseline = new Ewma(BATH_BASELINE_S);
  private readonly driftUp: TimeCusum;
  private readonly driftDown: TimeCusum;
  private readonly noiseHistory = new RobustWindow(NOISE_HISTORY);
  private lastVoltage: number | undefined;
  private noiseSum = 0;
  private noiseCount = 0;
  private inAnodeEffect = false;
  private readonly lastFired = new Map<AnomalyType, number>();
  private metalPeaks: { tsMs: number; cm: number }[] = [];
  private lastBeamCm: number | undefined;

  constructor(
    readonly cellId: string,
    readonly lineId: string,
    private readonly tuning: AnomalyTuning = AnomalyTuning.parse({}),
  ) {
    this.precursor = new TimeCusum(tuning.precursorAllowanceV, tuning.precursorDecisionVs);
    this.driftUp = new TimeCusum(tuning.driftAllowanceC, tuning.driftDecisionCs);
    this.driftDown = new TimeCusum(tuning.driftAllowanceC, tuning.driftDecisionCs);
  }

  /** Feeds one point; returns the anomalies it completes (usually none). */
  observe(tag: string, tsMs: number, value: number): Anomaly[] {
    switch (tag) {
      case 'cellVoltage':
        return this.voltage(tsMs, value);
      case 'bathTemp':
        return this.bath(tsMs, value);
      case 'metalHeight':
        return this.metal(tsMs, value);
      case 'anodeBeamPosition':
        return this.beam(tsMs, value);
      default:
        return [];
    }
  }

  private fire(type: AnomalyType, tag: string, tsMs: number, score: number, detector: Anomaly['detector']): Anomaly[] {
    const last = this.lastFired.get(type);
    // An anode effect is an episode of its own (entered and left by the threshold): no refractory period. A last
    // firing dated well after this point (a negative age) cannot have started a quiet period: it does not hold.
    const sinceMs = last === undefined ? Infinity : tsMs - last;
    if (type !== 'anode_effect' && sinceMs < REFRACTORY_MS && sinceMs >= -REORDER_TOLERANCE_MS) return [];
    this.lastFired.set(type, tsMs);
    return [{ anomalyType: type, cellId: this.cellId, lineId: this.lineId, tag, detectedAtMs: tsMs, score, detector }];
  }

  private voltage(tsMs: number, v: number): Anomaly[] {
    const out: Anomaly[] = [];
    if (v >= this.tuning.anodeEffectV) {
      // The arc voltage must not pollute the baselines: skip them for the episode.
      if (!this.inAnodeEffect) out.push(...this.fire('anode_effect', 'cellVoltage', tsMs, v, 'threshold'));
      this.inAnodeEffect = true;
      this.precursor.reset();
      this.lastVoltage = undefined;
      return out;
    }
    this.inAnodeEffect = false;
    const baseline = this.voltageBaseline.update(v, tsMs);
    if (this.precursor.update(v - baseline, tsMs)) {
      out.push(...this.fire('anode_effect_precursor', 'cellVoltage', tsMs, this.precursor.statistic, 'cusum'));
      this.precursor.reset();
    }
    if (this.lastVoltage !== undefined) {
      this.noiseSum += Math.abs(v - this.lastVoltage);
      this.noiseCount++;
      if (this.noiseCount === NOISE_SAMPLES) {
        const level = this.noiseSum / NOISE_SAMPLES;
        // Scale floor 1 mV: below the transmitter's resolution noise levels are indistinguishable.
        const z = this.noiseHistory.full ? this.noiseHistory.score(level, 0.001) : 0;
        if (z > this.tuning.noiseZ) out.push(...this.fire('voltage_noise', 'cellVoltage', tsMs, z, 'robust_z'));
        this.noiseHistory.push(level);
        this.noiseSum = 0;
        this.noiseCount = 0;
      }
    }
    this.lastVoltage = v;
    return out;
  }

  private bath(tsMs: number, tempC: number): Anomaly[] {
    const baseline = this.bathBaseline.value ?? tempC;
    const up = this.driftUp.update(tempC - baseline, tsMs);
    const down = this.driftDown.update(baseline - tempC, tsMs);
    this.bathBaseline.update(tempC, tsMs);
    if (!up && !down) return [];
    const score = Math.max(this.driftUp.statistic, this.driftDown.statistic);
    this.driftUp.reset();
    this.driftDown.reset();
    return this.fire('temperature_drift', 'bathTemp', tsMs, score, 'cusum');
  }

  private metal(tsMs: number, cm: number): Anomaly[] {
    this.metalPeaks = this.metalPeaks.filter(
      (p) => tsMs - p.tsMs <= TAP_PEAK_WINDOW_MS && tsMs - p.tsMs >= -REORDER_TOLERANCE_MS,
    );
    const peak = this.metalPeaks.reduce((m, p) => Math.max(m, p.cm), -Infinity);
    this.metalPeaks.push({ tsMs, cm });
    if (peak - cm < this.tuning.tapDropCm) return [];
    return this.fire('metal_tap', 'metalHeight', tsMs, peak - cm, 'threshold');
  }

  private beam(tsMs: number, cm: number): Anomaly[] {
    const last = this.lastBeamCm;
    this.lastBeamCm = cm;
    if (last === undefined || cm - last < this.tuning.beamRaiseCm) return [];
    return this.fire('beam_raise', 'anodeBeamPosition', tsMs, cm - last, 'threshold');
  }
}
