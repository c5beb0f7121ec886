/**
 * Scores cleansing against the simulator's ground truth: for each injected fault kind, how many were flagged in
 * silver or quarantined with the expected reason, how many were missed, and how many no streaming check could have
 * seen (a spike among a sensor's first samples has no baseline to stand out from; a dropout before the sensor's rhythm
 * is learned is invisible when shorter than the interval assumed until then; a stuck run cut short by the end of the
 * run has fewer repeats than the detector's run length). Plus conservation — every valid point sent is in silver
 * exactly once or quarantined.
 */
import { MIN_DELTAS_FOR_INTERVAL, MIN_WINDOW_FOR_SPIKE } from '../../shared/telemetry/cleanse.js';
import { tagSpec } from '../../shared/telemetry/tag-catalogue.js';
import { CATALOGUE_TAGS, type TagResolver } from '../../shared/telemetry/tag-resolution.js';

export interface ScoreLabel {
  kind: string;
  cellId?: string;
  tag?: string;
  seq?: number;
  tsMs?: number;
  trueValue?: number;
  detail?: Record<string, unknown>;
}

export interface ScoreSilverRow {
  cellId: string;
  tag: string;
  seq: number | null;
  value: number;
  flags: readonly string[];
}

export interface ScoreQuarantineRecord {
  reason: string;
  raw: string;
  rawEncoding: string;
}

export interface KindScore {
  injected: number;
  detected: number;
  /** Detectable faults that were neither flagged nor quarantined as expected: these are cleansing defects. */
  missed: number;
  /** Faults no streaming check could see (see the module comment); not flagged, and not counted as missed. */
  undetectable: number;
}

export interface CleansingScore {
  byKind: Record<string, KindScore>;
  /** Valid points sent that are neither in silver nor quarantined. */
  lost: number;
  /** The first few lost points' keys (cell|tag|seq), to look for. */
  lostExamples: string[];
  /** Points that appear in silver more than once (interpolated fills aside). */
  duplicatedInSilver: number;
  /** Points sent with a known tag, counted once per (cell, tag, seq). */
  validPointsSent: number;
}

const key = (cellId: string | undefined, tag: string | undefined, seq: number | null | undefined) =>
  `${cellId}|${tag}|${seq}`;

/** Flags that count as catching each point-level fault kind. */
const DETECTING_FLAGS: Record<string, readonly string[]> = {
  spike: ['spike', 'rate_of_change', 'out_of_range'],
  stuck: ['stuck'],
  dropout: ['gap_before'],
  out_of_order: ['out_of_order'],
  wrong_unit: ['unit_converted'],
  bad_quality: ['bad_quality'],
};
/** Quarantine reasons that count as catching each fault kind. */
const DETECTING_REASONS: Record<string, string> = {
  duplicate: 'DUPLICATE',
  unknown_tag: 'UNKNOWN_TAG',
  malformed_json: 'MALFORMED_JSON',
  truncated_batch: 'MALFORMED_JSON',
};
/** How many lost points the score names. */
const LOST_EXAMPLES = 5;
/** Relative tolerance for a unit-converted value to count as recovered (rounding of the wrong-unit reading). */
const CONVERSION_TOLERANCE = 0.01;

/** The key of a quarantined point, its tag resolved as ingestion resolves it (a plant tag is its canonical tag). */
function quarantinedPointKey(r: ScoreQuarantineRecord, tags: TagResolver): string | undefined {
  if (r.rawEncoding !== 'json') return undefined;
  try {
    const p = JSON.parse(r.raw) as { lineId?: string; cellId?: string; tag?: string; seq?: number };
    const canonical = p.lineId !== undefined && p.tag !== undefined ? tags.spec(p.lineId, p.tag)?.tag : undefined;
    return key(p.cellId, canonical ?? p.tag, p.seq);
  } catch {
    return undefined;
  }
}

/**
 * Scores one run. `sentKeys` are the (cell, canonical tag, seq) keys of every point sent with a known tag; `tags` is
 * the plant's resolver, so a quarantined point sent under a plant tag is matched with its label's canonical tag.
 */
export function scoreCleansing(
  labels: readonly ScoreLabel[],
  silver: readonly ScoreSilverRow[],
  quarantine: readonly ScoreQuarantineRecord[],
  sentKeys: ReadonlySet<string>,
  tags: TagResolver = CATALOGUE_TAGS,
): CleansingScore {
  const silverByKey = new Map<string, ScoreSilverRow[]>();
  for (const row of silver) {
    if (row.seq === null || row.flags.includes('interpolated')) continue;
    const k = key(row.cellId, row.tag, row.seq);
    const list = silverByKey.get(k);
    if (list) list.push(row);
    else silverByKey.set(k, [row]);
  }
  const quarantinedByReason = new Map<string, Set<string>>();
  const quarantineCounts = new Map<string, number>();
  for (const r of quarantine) {
    quarantineCounts.set(r.reason, (quarantineCounts.get(r.reason) ?? 0) + 1);
    const k = quarantinedPointKey(r, tags);
    if (!k) continue;
    let set = quarantinedByReason.get(r.reason);
    if (!set) quarantinedByReason.set(r.reason, (set = new Set()));
    set.add(k);
  }

  const byKind: Record<string, KindScore> = {};
  const bodyLevel = new Map<string, number>();
  const tally = (kind: string, hit: boolean, detectable = true) => {
    const s = (byKind[kind] ??= { injected: 0, detected: 0, missed: 0, undetectable: 0 });
    s.injected++;
    if (hit) s.detected++;
    else if (detectable) s.missed++;
    else s.undetectable++;
  };
  // Each sensor's sequence numbers in silver, ascending: how many samples a check had seen before a fault.
  const seqsBySensor = new Map<string, number[]>();
  for (const rows of silverByKey.values()) {
    const r = rows[0]!;
    const sensor = `${r.cellId}|${r.tag}`;
    (seqsBySensor.get(sensor) ?? seqsBySensor.set(sensor, []).get(sensor)!).push(r.seq!);
  }
  for (const seqs of seqsBySensor.values()) seqs.sort((a, b) => a - b);
  const samplesBefore = (label: ScoreLabel): number => {
    const seqs = seqsBySensor.get(`${label.cellId}|${label.tag}`) ?? [];
    const i = seqs.findIndex((s) => s >= (label.seq ?? 0));
    return i < 0 ? seqs.length : i;
  };
  /**
   * What no streaming check can see, by the cleanser's own rules (shared/telemetry/cleanse.ts): a spike before the
   * sensor's Hampel window holds MIN_WINDOW_FOR_SPIKE values (its first samples); a dropout before the sensor's rhythm
   * is learned (MIN_DELTAS_FOR_INTERVAL steps) whose gap is within the gap factor of the interval a check assumes
   * until then (the line's tag map or the catalogue).
   */
  const unseeable = (label: ScoreLabel): boolean => {
    if (label.kind === 'spike') return samplesBefore(label) < MIN_WINDOW_FOR_SPIKE;
    if (label.kind !== 'dropout' || label.tag === undefined || label.cellId === undefined) return false;
    const spec = tags.spec(label.cellId.slice(0, label.cellId.indexOf('-')), label.tag);
    const gapMs = (label.tsMs ?? 0) - Number(label.detail?.lastTsMsBeforeGap ?? Number.NEGATIVE_INFINITY);
    return (
      spec !== undefined &&
      samplesBefore(label) - 1 < MIN_DELTAS_FOR_INTERVAL &&
      gapMs <= spec.gapFactor * spec.expectedIntervalMs
    );
  };
  for (const label of labels) {
    const flags = DETECTING_FLAGS[label.kind];
    const reason = DETECTING_REASONS[label.kind];
    if (label.kind === 'malformed_json' || label.kind === 'truncated_batch') {
      bodyLevel.set(label.kind, (bodyLevel.get(label.kind) ?? 0) + 1);
      continue;
    }
    if (label.kind === 'stuck') {
      const last = Number(label.detail?.lastSeq ?? label.seq);
      let hit = false;
      for (let s = label.seq ?? 0; s <= last && !hit; s++) {
        hit = (silverByKey.get(key(label.cellId, label.tag, s)) ?? []).some((r) => r.flags.includes('stuck'));
      }
      const runLength = tagSpec(label.tag ?? '')?.stuck?.runLength ?? 0;
      tally('stuck', hit, Number(label.detail?.samples ?? Infinity) >= runLength);
    } else if (flags) {
      const rows = silverByKey.get(key(label.cellId, label.tag, label.seq)) ?? [];
      let hit = rows.some((r) => r.flags.some((f) => flags.includes(f)));
      if (hit && label.kind === 'wrong_unit' && label.trueValue !== undefined) {
        const truth = label.trueValue;
        hit = rows.some((r) => Math.abs(r.value - truth) <= CONVERSION_TOLERANCE * Math.max(1, Math.abs(truth)));
      }
      tally(label.kind, hit, !unseeable(label));
    } else if (reason) {
      tally(label.kind, quarantinedByReason.get(reason)?.has(key(label.cellId, label.tag, label.seq)) ?? false);
    }
  }
  // Corrupt bodies carry no point key: compare counts of MALFORMED_JSON records with bodies corrupted.
  const corrupt = (bodyLevel.get('malformed_json') ?? 0) + (bodyLevel.get('truncated_batch') ?? 0);
  if (corrupt > 0) {
    const caught = Math.min(corrupt, quarantineCounts.get('MALFORMED_JSON') ?? 0);
    byKind.malformed_or_truncated_body = {
      injected: corrupt,
      detected: caught,
      missed: corrupt - caught,
      undetectable: 0,
    };
  }

  let lost = 0;
  const lostExamples: string[] = [];
  const everQuarantined = new Set<string>();
  for (const set of quarantinedByReason.values()) for (const k of set) everQuarantined.add(k);
  for (const k of sentKeys)
    if (!silverByKey.has(k) && !everQuarantined.has(k) && ++lost <= LOST_EXAMPLES) lostExamples.push(k);
  let duplicatedInSilver = 0;
  for (const rows of silverByKey.values()) if (rows.length > 1) duplicatedInSilver += rows.length - 1;
  return { byKind, lost, lostExamples, duplicatedInSilver, validPointsSent: sentKeys.size };
}

/** The key scoreCleansing uses for a sent point. */
export const pointKey = key;
