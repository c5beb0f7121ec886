/**
 * Follows the plant's read-back of its active set points: keeps each equipment's newest reports for the safety
 * envelope and records every change they show. A change that none of our commands explains was made outside this
 * system (an operator at the HMI, a local panel, another client): it is audited, published as
 * `smelter.setpoint.changed-externally` (the ledger keeps it), and counts against the hourly movement limit like any
 * other real movement.
 */
import type { AuditLog } from '../kernel/audit-log.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { count } from '../observability/instruments.js';
import { parseBody } from '../telemetry/parse-body.js';
import { CATALOGUE_TAGS, type TagResolver } from '../telemetry/tag-resolution.js';
import type { CommandDoc } from './command.js';
import type { CommandRepository } from './command-repository.js';
import { COMMAND_LOOKBACK_MS } from './envelope-context.js';
import { DEFAULT_CLOCK_SKEW_TOLERANCE_MS } from '../plant/envelope-limits.js';
import type { EquipmentLimits } from './equipment-limits.js';
import { setpointChangedExternallyEvent } from './events.js';
import {
  changeIdOf,
  fieldOfReadbackTag,
  type ReadbackDoc,
  type ReadbackStore,
  type SetpointChangeDoc,
} from './readback.js';
import type { SetPointField } from '../plant/set-point.js';

/** One report of one field's active set point, as the plant sent it. */
export interface ReadbackReport {
  equipmentId: string;
  lineId: string;
  field: SetPointField;
  value: number;
  /** Plant time of the report, epoch ms. */
  tsMs: number;
}

/** Smallest difference between two reports that counts as a change, in the field's unit (far below any resolution). */
const CHANGE_TOLERANCE = 1e-9;

/** Who is named as the actor of a change made outside this system. */
const PLANT_ACTOR = { subject: 'plant', clientId: 'plant-readback' } as const;

/**
 * The read-back reports in Event Hub bodies: points of the read-back tags with good quality and a value in the
 * tag's range. Everything else (other tags, malformed input) is ingestion's business and is skipped here.
 */
export function readbackReportsOf(bodies: readonly Uint8Array[], tags: TagResolver = CATALOGUE_TAGS): ReadbackReport[] {
  const out: ReadbackReport[] = [];
  for (const body of bodies) {
    for (const p of parseBody(body, tags).points) {
      const field = fieldOfReadbackTag(p.spec.tag);
      if (!field || p.quality !== 'good' || !(p.value >= p.spec.minValue && p.value <= p.spec.maxValue)) continue;
      out.push({ equipmentId: p.cellId, lineId: p.lineId, field, value: p.value, tsMs: p.tsMs });
    }
  }
  return out;
}

export interface ReadbackObserverDeps {
  readback: ReadbackStore;
  commands: Pick<CommandRepository, 'recentForEquipment'>;
  publisher: EventPublisher;
  audit: AuditLog;
  /**
   * The envelope limits of each piece of equipment: their clock-skew allowance dates reports (for equipment the plant
   * model does not have, or while it cannot be read, the standing allowance; the envelope refuses such equipment).
   */
  limitsFor: EquipmentLimits;
  /** Epoch ms now. */
  clock: () => number;
}

export interface ObserveSummary {
  reports: number;
  equipment: number;
  /** Changes recorded (ours and external), redeliveries not counted twice. */
  changes: number;
  external: SetpointChangeDoc[];
  /** Reports no newer than what is stored (redelivered or out of order): nothing to learn. */
  older: number;
  /** Reports dated further in the future than the clock-skew allowance: refused, they would never go stale. */
  future: number;
}

/** Applies a batch of reports, equipment by equipment; throws when a store or the topic fails (the batch is retried). */
export async function observeReadback(
  reports: readonly ReadbackReport[],
  deps: ReadbackObserverDeps,
): Promise<ObserveSummary> {
  const nowMs = deps.clock();
  const byEquipment = new Map<string, ReadbackReport[]>();
  for (const r of reports) {
    const list = byEquipment.get(r.equipmentId);
    if (list) list.push(r);
    else byEquipment.set(r.equipmentId, [r]);
  }
  const summary: ObserveSummary = {
    reports: reports.length,
    equipment: byEquipment.size,
    changes: 0,
    external: [],
    older: 0,
    future: 0,
  };
  await Promise.all([...byEquipment.values()].map((list) => observeEquipment(list, deps, nowMs, summary)));
  return summary;
}

async function observeEquipment(
  reports: ReadbackReport[],
  deps: ReadbackObserverDeps,
  nowMs: number,
  summary: ObserveSummary,
): Promise<void> {
  const first = reports[0]!;
  const [stored, found] = await Promise.all([
    deps.readback.latest(first.equipmentId),
    deps.limitsFor(first.equipmentId),
  ]);
  const skewMs = 'limits' in found ? found.limits.clockSkewToleranceMs : DEFAULT_CLOCK_SKEW_TOLERANCE_MS;
  const latest: ReadbackDoc = stored
    ? structuredClone(stored)
    : {
        id: first.equipmentId,
        kind: 'readback',
        equipmentId: first.equipmentId,
        lineId: first.lineId,
        fields: {},
        recent: [],
        updatedAtMs: nowMs,
      };
  const changes: { change: Omit<SetpointChangeDoc, 'origin' | 'commandId' | 'moveAbs'>; previousTsMs: number }[] = [];
  for (const r of [...reports].sort((a, b) => a.tsMs - b.tsMs)) {
    if (r.tsMs - nowMs > skewMs) {
      summary.future++;
      continue;
    }
    const prev = latest.fields[r.field];
    const differs = prev !== undefined && Math.abs(r.value - prev.value) > CHANGE_TOLERANCE;
    // A report older than the stored one teaches nothing; one of the same instant only when it says something else
    // (two reports within a millisecond: the later in the stream is the newer).
    if (prev && (r.tsMs < prev.tsMs || (r.tsMs === prev.tsMs && !differs))) {
      summary.older++;
      continue;
    }
    if (differs) {
      const id = changeIdOf(r.equipmentId, r.field, r.tsMs, r.value);
      changes.push({
        change: {
          id,
          kind: 'setpoint-change',
          equipmentId: r.equipmentId,
          lineId: r.lineId,
          field: r.field,
          from: prev.value,
          to: r.value,
          atMs: r.tsMs,
          observedAtMs: nowMs,
        },
        previousTsMs: prev.tsMs,
      });
    }
    latest.fields[r.field] = { value: r.value, tsMs: r.tsMs };
  }
  if (changes.length > 0) {
    const earliest = Math.min(...changes.map((c) => c.previousTsMs));
    const commands = await deps.commands.recentForEquipment(
      first.equipmentId,
      Math.min(earliest, nowMs - COMMAND_LOOKBACK_MS),
    );
    // In report order: a later change must not be recorded before an earlier one (the envelope sums them).
    for (const { change, previousTsMs } of changes) {
      const between = sentBetween(commands, change.field, previousTsMs, change.atMs, skewMs);
      const ours = explainingCommand(between, change.field, change.to);
      const moveAbs = Math.max(
        ...[change.from, ...between.map((b) => b.doc.setPoint[change.field]!)].map((v) => Math.abs(change.to - v)),
      );
      const doc: SetpointChangeDoc = {
        ...change,
        origin: ours ? 'command' : 'external',
        ...(ours ? { commandId: ours.commandId } : {}),
        moveAbs: ours ? Math.abs(change.to - change.from) : moveAbs,
      };
      if (await deps.readback.hasChange(doc.equipmentId, doc.id)) continue;
      if (doc.origin === 'external') {
        // Recorded and published before the change is stored: a crash in between repeats both (the audit entry and
        // the event carry the change id, so neither is kept twice), never skips them.
        await deps.audit.record({
          entryId: `audit-${doc.id}`,
          action: 'setpoint.changed-externally',
          resource: `cells/${doc.equipmentId}/setpoints`,
          actor: { ...PLANT_ACTOR, correlationId: doc.id },
          atMs: doc.atMs,
          detail: { field: doc.field, from: doc.from, to: doc.to, observedAtMs: doc.observedAtMs },
        });
        await deps.publisher.publish([setpointChangedExternallyEvent(doc)]);
        count('outOfBandChanges', 1, { field: doc.field });
        summary.external.push(doc);
      }
      if (await deps.readback.recordChange(doc)) summary.changes++;
      latest.recent.push(doc);
    }
  }
  latest.updatedAtMs = nowMs;
  await deps.readback.saveLatest(latest);
}

/**
 * Our commands to the field that may have reached the plant between its previous report and this one (with the
 * clock-skew allowance on both ends), in the order they were last sent.
 */
function sentBetween(
  commands: readonly CommandDoc[],
  field: SetPointField,
  previousTsMs: number,
  atMs: number,
  skewMs: number,
): { doc: CommandDoc; sentAtMs: number }[] {
  const out: { doc: CommandDoc; sentAtMs: number }[] = [];
  for (const d of commands) {
    if (d.setPoint[field] === undefined || d.attempts === 0) continue;
    // Every attempt counts: the first may be the one the plant applied while the read-back came too late for it and
    // the command was sent again (or failed) afterwards. The latest attempt inside the window orders it.
    const inWindow = d.history
      .filter((h) => h.state === 'dispatched' && h.atMs >= previousTsMs - skewMs && h.atMs <= atMs + skewMs)
      .map((h) => h.atMs);
    if (inWindow.length > 0) out.push({ doc: d, sentAtMs: Math.max(...inWindow) });
  }
  return out.sort((a, b) => a.sentAtMs - b.sentAtMs);
}

/** The command that explains a change to `value`: the last one sent in between, when it carries that value. */
function explainingCommand(
  between: readonly { doc: CommandDoc }[],
  field: SetPointField,
  value: number,
): CommandDoc | undefined {
  const last = between.at(-1)?.doc;
  return last && Math.abs(last.setPoint[field]! - value) <= CHANGE_TOLERANCE ? last : undefined;
}
