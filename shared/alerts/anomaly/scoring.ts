/**
 * Scores detections against ground-truth labels: a detection is a true positive when it falls in the match window
 * of a not-yet-matched label of the same cell; precision = true detections / detections, recall = matched labels /
 * labels. Types without labels report their detections only (every one is unexplained on a labelled stream).
 */
import type { Anomaly, AnomalyType } from './cell-detector.js';

/** The label fields scoring reads (the simulator's label contract). */
export interface TruthLabel {
  kind: string;
  cellId?: string;
  tsMs?: number;
  detail?: Record<string, unknown>;
}

/** Which label kind an anomaly type is scored against, and the window around the label's [start, end] that counts. */
export interface MatchRule {
  labelKind: string;
  beforeStartMs: number;
  afterEndMs: number;
}

/** Defaults: an anode effect is caught while it lasts; a precursor counts up to 30 min ahead of the effect. */
export const DEFAULT_MATCH_RULES: Partial<Record<AnomalyType, MatchRule>> = {
  anode_effect: { labelKind: 'anode_effect', beforeStartMs: 5_000, afterEndMs: 5_000 },
  anode_effect_precursor: { labelKind: 'anode_effect', beforeStartMs: 30 * 60_000, afterEndMs: 0 },
  metal_tap: { labelKind: 'metal_tap', beforeStartMs: 5_000, afterEndMs: 10 * 60_000 },
  beam_raise: { labelKind: 'beam_raise', beforeStartMs: 5_000, afterEndMs: 2 * 60_000 },
};

export interface TypeScore {
  detections: number;
  labels?: number;
  truePositives?: number;
  precision?: number;
  recall?: number;
  /** Set only when there were detections (precision) or labels (recall) to divide by. */
  /** Median time from label start to the detection, s (negative: ahead of the event). */
  medianLeadS?: number;
}

const endOf = (l: TruthLabel): number => {
  const end = l.detail?.endTsMs;
  if (typeof end === 'number') return end;
  const durationS = l.detail?.durationS;
  return (l.tsMs ?? 0) + (typeof durationS === 'number' ? durationS * 1000 : 0);
};

/** Precision and recall per anomaly type; `labelsUntilMs` drops labels the stream could not yet show. */
export function scoreAnomalies(
  detections: readonly Anomaly[],
  labels: readonly TruthLabel[],
  rules: Partial<Record<AnomalyType, MatchRule>> = DEFAULT_MATCH_RULES,
): Record<string, TypeScore> {
  const out: Record<string, TypeScore> = {};
  const types = new Set<AnomalyType>([
    ...detections.map((d) => d.anomalyType),
    ...(Object.keys(rules) as AnomalyType[]),
  ]);
  for (const type of types) {
    const mine = detections.filter((d) => d.anomalyType === type).sort((a, b) => a.detectedAtMs - b.detectedAtMs);
    const rule = rules[type];
    if (!rule) {
      out[type] = { detections: mine.length };
      continue;
    }
    const truth = labels.filter((l) => l.kind === rule.labelKind && l.tsMs !== undefined && l.cellId !== undefined);
    const matched = new Set<number>();
    const leads: number[] = [];
    let tp = 0;
    for (const d of mine) {
      const i = truth.findIndex(
        (l, k) =>
          !matched.has(k) &&
          l.cellId === d.cellId &&
          d.detectedAtMs >= l.tsMs! - rule.beforeStartMs &&
          d.detectedAtMs <= endOf(l) + rule.afterEndMs,
      );
      if (i < 0) continue;
      matched.add(i);
      tp++;
      leads.push((d.detectedAtMs - truth[i]!.tsMs!) / 1000);
    }
    leads.sort((a, b) => a - b);
    out[type] = {
      detections: mine.length,
      labels: truth.length,
      truePositives: tp,
      ...(mine.length > 0 ? { precision: round(tp / mine.length) } : {}),
      ...(truth.length > 0 ? { recall: round(matched.size / truth.length) } : {}),
      ...(leads.length > 0 ? { medianLeadS: leads[leads.length >> 1]! } : {}),
    };
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
