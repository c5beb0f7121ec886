/**
 * Packs points into Event Hub bodies the way real gateways do — one point, an array, or `{ points: [...] }` —
 * with partition key = cellId, and injects the body-level faults (malformed JSON, truncated batches) as extra,
 * corrupt bodies so the clean stream stays whole and every valid point still arrives once.
 */
import { createHash } from 'node:crypto';
import type { PointsByKey } from './emitter.js';
import type { FaultRates } from './faults.js';
import type { LabelRecorder } from './labels.js';
import type { Rng } from './prng.js';

/** What the hub receives: the body text and its partition key. */
export interface EventBody {
  body: string;
  partitionKey: string;
}

/** Points per array body at most (gateways batch up to a few dozen points per message). */
const MAX_POINTS_PER_BODY = 50;

/** Encodes one step's points into bodies; corrupt extra bodies are labelled as they are made. */
export function encodeBodies(
  points: PointsByKey,
  rng: Rng,
  faults: FaultRates,
  labels: LabelRecorder,
  stepEndMs: number,
): EventBody[] {
  const bodies: EventBody[] = [];
  for (const [partitionKey, list] of points) {
    let i = 0;
    while (i < list.length) {
      const style = rng.next();
      let body: string;
      let count: number;
      if (style < 0.2) {
        count = 1;
        body = JSON.stringify(list[i]);
      } else {
        count = Math.min(list.length - i, rng.int(1, MAX_POINTS_PER_BODY));
        const chunk = list.slice(i, i + count);
        body = style < 0.65 ? JSON.stringify(chunk) : JSON.stringify({ points: chunk });
      }
      i += count;
      bodies.push({ body, partitionKey });
      const u = rng.next();
      if (u < faults.malformed_json) {
        const bad = malform(body, rng);
        bodies.push({ body: bad, partitionKey });
        labels.record({ kind: 'malformed_json', cellId: partitionKey, tsMs: stepEndMs, detail: describe(bad, count) });
      } else if (u < faults.malformed_json + faults.truncated_batch) {
        const cut = truncate(body, rng);
        bodies.push({ body: cut, partitionKey });
        labels.record({ kind: 'truncated_batch', cellId: partitionKey, tsMs: stepEndMs, detail: describe(cut, count) });
      }
    }
  }
  return bodies;
}

/** Points in an encoded body (for counting what was sent); 0 for a body that is not valid JSON. */
export function countPoints(body: string): number {
  try {
    const parsed: unknown = JSON.parse(body);
    if (Array.isArray(parsed)) return parsed.length;
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { points?: unknown }).points))
      return (parsed as { points: unknown[] }).points.length;
    return 1;
  } catch {
    return 0;
  }
}

function describe(body: string, pointsInOriginal: number): Record<string, unknown> {
  return {
    bodySha256: createHash('sha256').update(body, 'utf8').digest('hex'),
    bytes: Buffer.byteLength(body, 'utf8'),
    pointsInOriginal,
  };
}

/** A corrupted copy of a body that no JSON parser accepts: the mistakes hand-written gateways make. */
export function malform(body: string, rng: Rng): string {
  const variants: ((b: string) => string)[] = [
    (b) => b.replace(/"/g, "'"), // single quotes
    (b) => b.replace(/"value":(-?[0-9.eE+-]+)/, '"value":NaN'), // NaN literal
    (b) => `${b.slice(0, -1)},${b.slice(-1)}`, // trailing comma
    (b) => `\u0000${b}`, // stray NUL byte before the text
    (b) => b.replace(/":/, '"'), // a missing colon
  ];
  const bad = rng.pick(variants)(body);
  return isJson(bad) ? `${body}}` : bad;
}

/** A body cut mid-text, as when a batch is cut off by a buffer limit. Every strict prefix of our bodies is invalid. */
export function truncate(body: string, rng: Rng): string {
  const cut = body.slice(0, rng.int(1, Math.max(1, body.length - 1)));
  return isJson(cut) ? cut.slice(0, -1) || '{' : cut;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
