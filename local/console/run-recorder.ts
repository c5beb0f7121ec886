import { pointKey } from '../score/cleansing-score.js';
import { CATALOGUE_TAGS, type TagResolver } from '../../shared/telemetry/tag-resolution.js';

interface SentPoint {
  lineId?: unknown;
  cellId?: unknown;
  tag?: unknown;
  seq?: unknown;
}

/**
 * Remembers the key of every well-formed point with a known tag that the simulator sent, to check none is lost. A
 * plant tag counts as its canonical tag, through `tags` (the plant's resolver), as ingestion and the labels name it.
 */
export class RunRecorder {
  readonly sentKeys = new Set<string>();

  constructor(private readonly tags: TagResolver = CATALOGUE_TAGS) {}

  noteSent(bodies: readonly { body: string }[]): void {
    for (const { body } of bodies) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        continue; // a corrupt body the simulator made on purpose: scored by count, not by key
      }
      const points: unknown[] = Array.isArray(parsed)
        ? parsed
        : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { points?: unknown }).points)
          ? (parsed as { points: unknown[] }).points
          : [parsed];
      for (const p of points as SentPoint[]) {
        if (
          typeof p?.tag !== 'string' ||
          typeof p.lineId !== 'string' ||
          typeof p.cellId !== 'string' ||
          typeof p.seq !== 'number'
        )
          continue;
        const spec = this.tags.spec(p.lineId, p.tag);
        if (spec) this.sentKeys.add(pointKey(p.cellId, spec.tag, p.seq));
      }
    }
  }
}
