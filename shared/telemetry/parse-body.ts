import { eventTsMs, isWellFormedPoint, RawPoint } from './point-schema.js';
import { normaliseQuality, type Quality } from './quality.js';
import type { QuarantineReason } from './records.js';
import type { TagSpec } from './tag-catalogue.js';
import { CATALOGUE_TAGS, type TagResolver } from './tag-resolution.js';
import { convert, resolveUnit } from './units.js';

/**
 * Most points one Event Hub body may carry. A standard-tier event is at most 1 MB (Azure Event Hubs quotas) and a
 * point is ~150 bytes, so 10,000 is above any honest body and bounds the work a hostile one can cause.
 */
export const MAX_POINTS_PER_BODY = 10_000;

/** A point that passed the schema, the plant's equipment and tags, and unit normalisation; value is canonical. */
export interface ParsedPoint {
  lineId: string;
  cellId: string;
  spec: TagSpec;
  tsMs: number;
  value: number;
  rawValue: number;
  rawUnit: string;
  quality: Quality;
  unitConverted: boolean;
  seq: number | null;
  pointIndex: number;
  /** The point as it arrived (kept by reference for quarantine, e.g. a duplicate found later). */
  source: unknown;
}

/** Why a body or one of its points was refused, with what to keep of it. */
export interface Rejection {
  reason: QuarantineReason;
  detail: string;
  field?: string;
  raw: string;
  rawEncoding: 'utf8' | 'base64' | 'json';
  pointIndex?: number;
}

export interface BodyParse {
  points: ParsedPoint[];
  rejections: Rejection[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns an Event Hub body into points and rejections, resolving equipment and tags through `tags` (the plant's
 * resolver; the bare catalogue by default). Never throws: every candidate point ends in exactly one of the two lists,
 * and a body with no candidate (empty, not JSON, wrong shape, too many points) is one rejection.
 */
export function parseBody(body: Uint8Array, tags: TagResolver = CATALOGUE_TAGS): BodyParse {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return bodyRejection(
      'MALFORMED_JSON',
      'body is not valid UTF-8',
      Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
      'base64',
    );
  }
  if (isBlank(text)) return bodyRejection('EMPTY_BODY', 'body is empty', text, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return bodyRejection('MALFORMED_JSON', `body is not JSON: ${(e as Error).message}`, text, 'utf8');
  }
  let candidates: unknown[];
  if (Array.isArray(json)) candidates = json;
  else if (typeof json === 'object' && json !== null && 'points' in json) {
    const points = (json as { points: unknown }).points;
    if (!Array.isArray(points))
      return bodyRejection('SCHEMA_INVALID', 'points must be an array of telemetry points', text, 'utf8', 'points');
    candidates = points;
  } else if (typeof json === 'object' && json !== null) candidates = [json];
  else
    return bodyRejection(
      'SCHEMA_INVALID',
      'body must be a point, an array of points or { points: [...] }',
      text,
      'utf8',
    );
  if (candidates.length === 0) return bodyRejection('EMPTY_BODY', 'body holds no points', text, 'utf8');
  if (candidates.length > MAX_POINTS_PER_BODY) {
    return bodyRejection(
      'TOO_MANY_POINTS',
      `body holds ${candidates.length} points; at most ${MAX_POINTS_PER_BODY} are accepted per event`,
      text,
      'utf8',
    );
  }
  const out: BodyParse = { points: [], rejections: [] };
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i];
    const result = parsePoint(candidate, i, tags);
    if ('reason' in result) out.rejections.push(result);
    else out.points.push(result);
  }
  return out;
}

/** Validates and normalises one candidate point; a Rejection explains a refusal. */
export function parsePoint(
  candidate: unknown,
  pointIndex: number,
  tags: TagResolver = CATALOGUE_TAGS,
): ParsedPoint | Rejection {
  let p: RawPoint;
  if (isWellFormedPoint(candidate)) p = candidate;
  else {
    const result = RawPoint.safeParse(candidate);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
      return pointRejection('SCHEMA_INVALID', issue?.message ?? 'not a telemetry point', candidate, pointIndex, field);
    }
    p = result.data;
  }
  const unknown = tags.unknownEquipment(p.lineId, p.cellId);
  if (unknown) return pointRejection('UNKNOWN_EQUIPMENT', unknown.detail, candidate, pointIndex, unknown.field);
  const spec = tags.spec(p.lineId, p.tag);
  if (!spec)
    return pointRejection(
      'UNKNOWN_TAG',
      `tag "${p.tag}" is neither in the tag catalogue nor in line ${p.lineId}'s tag map`,
      candidate,
      pointIndex,
      'tag',
    );
  const unit = resolveUnit(spec, p.unit);
  if (!unit) {
    const accepted = [spec.canonicalUnit, ...Object.keys(spec.conversions)].join(', ');
    return pointRejection(
      'UNKNOWN_UNIT',
      `unit "${p.unit}" is not accepted for ${spec.tag} (accepted: ${accepted})`,
      candidate,
      pointIndex,
      'unit',
    );
  }
  return {
    lineId: p.lineId,
    cellId: p.cellId,
    spec,
    tsMs: eventTsMs(p),
    value: unit.converted ? convert(p.value, unit.conversion) : p.value,
    rawValue: p.value,
    rawUnit: p.unit,
    quality: normaliseQuality(p.quality) ?? 'bad',
    unitConverted: unit.converted,
    seq: p.seq ?? null,
    pointIndex,
    source: candidate,
  };
}

/** True when the text is empty or only JSON whitespace; stops at the first other character (no copy, unlike trim). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

function bodyRejection(
  reason: QuarantineReason,
  detail: string,
  raw: string,
  rawEncoding: 'utf8' | 'base64',
  field?: string,
): BodyParse {
  const r: Rejection = { reason, detail, raw, rawEncoding };
  if (field !== undefined) r.field = field;
  return { points: [], rejections: [r] };
}

/** A rejection of one point; `raw` is the point itself as JSON. */
export function pointRejection(
  reason: QuarantineReason,
  detail: string,
  candidate: unknown,
  pointIndex: number,
  field?: string,
): Rejection {
  const r: Rejection = { reason, detail, raw: JSON.stringify(candidate) ?? 'null', rawEncoding: 'json', pointIndex };
  if (field !== undefined) r.field = field;
  return r;
}
