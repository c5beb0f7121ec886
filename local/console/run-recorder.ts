import { pointKey } from '../score/cleansing-score.js';
import { TAG_CATALOGUE } from '../../shared/telemetry/tag-catalogue.js';

interface SentPoint {
  cellId?: unknown;
  tag?: unknown;
  seq?: unknown;
}

/** Remembers the key of every well-formed point with a known tag that the simulator sent, to check none is lost. */
export class RunRecorder {
  readonly sentKeys = new Set<string>();

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
          typeof p?.tag === 'string' &&
          p.tag in TAG_CATALOGUE &&
          typeof p.cellId === 'string' &&
          typeof p.seq === 'number'
        ) {
          this.sentKeys.add(pointKey(p.cellId, p.tag, p.seq));
        }
      }
    }
  }
}
