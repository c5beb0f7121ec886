/**
 * The plant's own report of its active set points (read-back), and the changes those reports show. The safety
 * envelope judges every command against these reports, never against the dispatcher's own acknowledgements:
 * operators change set points at the HMI every shift, and only the plant knows what it is regulating to now.
 */
import { z } from 'zod';
import type { Tag } from '../telemetry/tag-catalogue.js';
import { SET_POINT_FIELDS, SetPointField } from '../plant/set-point.js';
import { DomainError } from '../kernel/errors.js';

/** The telemetry tag that carries the plant's read-back of each set-point field. */
export const READBACK_TAG: Readonly<Record<SetPointField, Tag>> = {
  acdCm: 'acdSetpoint',
  feedIntervalS: 'feedIntervalSetpoint',
  lineCurrentKA: 'lineCurrentSetpoint',
  alf3AdditionKgPerDay: 'alf3AdditionSetpoint',
};

const fieldByTag = new Map<string, SetPointField>(SET_POINT_FIELDS.map((f) => [READBACK_TAG[f], f]));

/** The set-point field a read-back tag reports, or undefined for any other tag. */
export function fieldOfReadbackTag(tag: string): SetPointField | undefined {
  return fieldByTag.get(tag);
}

/** One field's newest report: the value the plant holds and the plant time it said so. */
export const ReportedSetPoint = z.object({ value: z.number().finite(), tsMs: z.number() });
export type ReportedSetPoint = z.infer<typeof ReportedSetPoint>;

/** Who moved a set point, as far as the reports and our command records tell. */
export const ChangeOrigin = z.enum(['command', 'external']);
export type ChangeOrigin = z.infer<typeof ChangeOrigin>;

/** One change of a field the plant reported (same container, partition = equipment). */
export const SetpointChangeDoc = z.object({
  id: z.string(),
  kind: z.literal('setpoint-change'),
  equipmentId: z.string(),
  lineId: z.string(),
  field: SetPointField,
  from: z.number().finite(),
  to: z.number().finite(),
  /** Plant time of the first report showing the new value, epoch ms. */
  atMs: z.number(),
  /** When the change was noticed, epoch ms. */
  observedAtMs: z.number(),
  /** `command` when one of our commands explains it, `external` for the HMI, a local panel or another client. */
  origin: ChangeOrigin,
  commandId: z.string().optional(),
  /**
   * How far the field really moved, as far as can be told: |to − from|, or more when one of our commands may have
   * moved it in between (an external change is then measured from the farthest value the plant may have held).
   */
  moveAbs: z.number().nonnegative(),
});
export type SetpointChangeDoc = z.infer<typeof SetpointChangeDoc>;

/** How long a change stays in an equipment's read-back document: the envelope's rate window and a margin, ms. */
export const RECENT_CHANGES_RETENTION_MS = 2 * 3_600_000;

/**
 * The newest report of every field of one piece of equipment, and the changes reported within the last
 * RECENT_CHANGES_RETENTION_MS (Cosmos `scada-readback`, id = equipment id): everything the envelope needs about the
 * plant's set points in one point read.
 */
export const ReadbackDoc = z.object({
  id: z.string(),
  kind: z.literal('readback'),
  equipmentId: z.string(),
  lineId: z.string(),
  fields: z.partialRecord(SetPointField, ReportedSetPoint),
  /** Changes reported recently, oldest first. */
  recent: z.array(SetpointChangeDoc).default([]),
  /** When this consumer last wrote it, epoch ms. */
  updatedAtMs: z.number(),
});
export type ReadbackDoc = z.infer<typeof ReadbackDoc>;
/** A read-back document as written: `recent` may be left out. */
export type ReadbackDocInput = z.input<typeof ReadbackDoc>;

/** The id of a change: fixed by equipment, field, report time and new value, so a redelivered report maps onto it. */
export function changeIdOf(equipmentId: string, field: SetPointField, atMs: number, to: number): string {
  return `chg:${equipmentId}:${field}:${atMs}:${to}`;
}

export class ReadbackUnavailableError extends DomainError {
  constructor(detail: string) {
    super(
      'unavailable',
      'ERR-SCADA-READBACK-UNAVAILABLE',
      `set-point read-back store unavailable: ${detail}`,
      'readback',
    );
  }
}

/**
 * Storage port for read-back. Every read throws when it cannot be answered (store down, container missing,
 * document unreadable): "not found" is only ever said of equipment the plant has never reported.
 * Implementations: memory (below), Cosmos (shared/azure/cosmos-readback-store.ts).
 */
export interface ReadbackStore {
  /** The equipment's newest reports and recent changes; undefined when the plant has never reported it. */
  latest(equipmentId: string): Promise<ReadbackDoc | undefined>;
  /** Changes of the equipment reported at or after `sinceMs` (plant time), oldest first (its whole history). */
  changesSince(equipmentId: string, sinceMs: number): Promise<SetpointChangeDoc[]>;
  /** The newest reports of every equipment of a line (cells and `<line>-LINE`). */
  latestForLine(lineId: string): Promise<ReadbackDoc[]>;
  /** True when a change with this id is stored. */
  hasChange(equipmentId: string, changeId: string): Promise<boolean>;
  /** Stores a change; false when it was stored already (a redelivered report). */
  recordChange(doc: SetpointChangeDoc): Promise<boolean>;
  /**
   * Merges `doc` into the stored one: field by field the newer report wins, recent changes are united by id and
   * those older than RECENT_CHANGES_RETENTION_MS (against `doc.updatedAtMs`) dropped.
   */
  saveLatest(doc: ReadbackDocInput): Promise<void>;
}

/**
 * Merge of two report documents: the newer report of each field wins (the incoming one on a tie); recent changes
 * are united by id, in report order, without those older than the retention.
 */
export function mergeReports(stored: ReadbackDoc | undefined, incoming: ReadbackDoc): ReadbackDoc {
  const updatedAtMs = Math.max(stored?.updatedAtMs ?? 0, incoming.updatedAtMs);
  const fields = { ...stored?.fields };
  for (const f of SET_POINT_FIELDS) {
    const r = incoming.fields[f];
    if (r && (!fields[f] || fields[f]!.tsMs <= r.tsMs)) fields[f] = r;
  }
  const byId = new Map<string, SetpointChangeDoc>();
  for (const c of [...(stored?.recent ?? []), ...incoming.recent])
    if (c.atMs >= updatedAtMs - RECENT_CHANGES_RETENTION_MS) byId.set(c.id, c);
  const recent = [...byId.values()].sort((a, b) => a.atMs - b.atMs);
  return { ...(stored ?? incoming), fields, recent, updatedAtMs };
}

/** Read-back in memory, for tests, benchmarks and one-process tools; `unavailable` makes every call throw. */
export class MemoryReadbackStore implements ReadbackStore {
  readonly docs = new Map<string, ReadbackDoc>();
  readonly changes = new Map<string, SetpointChangeDoc>();
  unavailable = false;

  async latest(equipmentId: string): Promise<ReadbackDoc | undefined> {
    this.check();
    const d = this.docs.get(equipmentId);
    return d && structuredClone(d);
  }

  async changesSince(equipmentId: string, sinceMs: number): Promise<SetpointChangeDoc[]> {
    this.check();
    return [...this.changes.values()]
      .filter((c) => c.equipmentId === equipmentId && c.atMs >= sinceMs)
      .sort((a, b) => a.atMs - b.atMs)
      .map((c) => structuredClone(c));
  }

  async latestForLine(lineId: string): Promise<ReadbackDoc[]> {
    this.check();
    return [...this.docs.values()].filter((d) => d.lineId === lineId).map((d) => structuredClone(d));
  }

  async hasChange(_equipmentId: string, changeId: string): Promise<boolean> {
    this.check();
    return this.changes.has(changeId);
  }

  async recordChange(doc: SetpointChangeDoc): Promise<boolean> {
    this.check();
    if (this.changes.has(doc.id)) return false;
    this.changes.set(doc.id, structuredClone(SetpointChangeDoc.parse(doc)));
    return true;
  }

  async saveLatest(doc: ReadbackDocInput): Promise<void> {
    this.check();
    this.docs.set(
      doc.equipmentId,
      structuredClone(mergeReports(this.docs.get(doc.equipmentId), ReadbackDoc.parse(doc))),
    );
  }

  private check(): void {
    if (this.unavailable) throw new ReadbackUnavailableError('memory store marked unavailable');
  }
}
