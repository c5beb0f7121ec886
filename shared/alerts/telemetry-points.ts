/**
 * Points the alert rules judge, from raw telemetry hub bodies. The alerting consumer reads the hub through its own
 * consumer group, before ingestion has cleansed anything, so it takes the same first steps as ingestion (body, schema,
 * tag catalogue, unit normalisation, quality) and keeps only good readings inside the sensor's physical range.
 * Malformed input never throws here: ingestion quarantines it; this consumer skips it and counts why.
 */
import { parseBody } from '../telemetry/parse-body.js';
import type { QuarantineReason } from '../telemetry/records.js';
import { CATALOGUE_TAGS, type TagResolver } from '../telemetry/tag-resolution.js';
import { bodyBytes } from '../telemetry/trigger-events.js';
import type { EvaluablePoint } from './rule.js';

/** Why a body or point was not judged: ingestion's quarantine reasons, or a reading ingestion keeps but flags. */
export type SkipReason = QuarantineReason | 'BAD_QUALITY' | 'UNCERTAIN_QUALITY' | 'OUT_OF_RANGE' | 'UNREADABLE';

export interface AlertPoints {
  points: EvaluablePoint[];
  skipped: Partial<Record<SkipReason, number>>;
}

/**
 * The judgeable points of a batch of hub bodies (bytes, text or parsed JSON), in order, and what was skipped; plant
 * tags resolve to their canonical tags and equipment the plant does not have is skipped, as ingestion does, through
 * `tags` (the plant model's resolver).
 */
export function alertPointsOf(bodies: readonly unknown[], tags: TagResolver = CATALOGUE_TAGS): AlertPoints {
  const out: AlertPoints = { points: [], skipped: {} };
  const skip = (reason: SkipReason) => (out.skipped[reason] = (out.skipped[reason] ?? 0) + 1);
  for (const body of bodies) {
    let parsed;
    try {
      parsed = parseBody(bodyBytes(body), tags);
    } catch {
      // parseBody promises not to throw; a body it still chokes on is skipped like any malformed one.
      skip('UNREADABLE');
      continue;
    }
    for (const r of parsed.rejections) skip(r.reason);
    for (const p of parsed.points) {
      if (p.quality !== 'good') skip(p.quality === 'bad' ? 'BAD_QUALITY' : 'UNCERTAIN_QUALITY');
      else if (p.value < p.spec.minValue || p.value > p.spec.maxValue) skip('OUT_OF_RANGE');
      else out.points.push({ lineId: p.lineId, cellId: p.cellId, tag: p.spec.tag, tsMs: p.tsMs, value: p.value });
    }
  }
  return out;
}
