/**
 * Exactly-once effect at the plant. A command's message comes back after a crash (or a lock that ran out) while the
 * plant may already hold its value, or a newer command may have moved the same field since. Two guards keep a resumed
 * command from undoing a newer one: every command carries a version fixed at approval, which the plant refuses when
 * it is older than the last it applied to the field; and before anything is re-sent, the plant's read-back is asked
 * what happened — the value is already there (confirmed, not sent again) or a newer value is (superseded, not sent).
 */
import { enteredAtMs, type CommandAckRecord, type CommandDoc } from './command.js';
import type { ReadbackDoc } from './readback.js';
import { fieldsOf, type PresentValues, type SetPointField } from '../plant/set-point.js';

/** Two set points are the same value (a Double round trip is exact; this only absorbs float noise). */
const sameValue = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/** The version a stored command carries to the plant: the one fixed at approval (its approval time on older records). */
export function versionOf(doc: CommandDoc): number | undefined {
  return doc.version ?? enteredAtMs(doc, 'approved');
}

/**
 * The version of a command approved now: its approval time, and above the version of every other command to any of its
 * fields, so the plant takes commands in the order they were approved even when the approvers' clocks disagree.
 */
export function nextCommandVersion(doc: CommandDoc, others: readonly CommandDoc[], nowMs: number): number {
  const fields = new Set(fieldsOf(doc.setPoint));
  let version = Math.floor(nowMs);
  for (const o of others) {
    if (o.commandId === doc.commandId || !fieldsOf(o.setPoint).some((f) => fields.has(f))) continue;
    const v = versionOf(o);
    if (v !== undefined && v >= version) version = v + 1;
  }
  return version;
}

/** What a resumed command should do, by the plant's read-back and the commands approved after it. */
export type ResumeVerdict =
  | { kind: 'send' }
  | { kind: 'confirmed'; ack: Omit<CommandAckRecord, 'receivedAtMs'> }
  | { kind: 'superseded'; reason: string };

/** When the command first left (or may have left) for the plant: its first dispatch, else its approval. */
function firstSentAtMs(doc: CommandDoc): number | undefined {
  return doc.history.find((h) => h.state === 'dispatched')?.atMs ?? enteredAtMs(doc, 'approved');
}

/** True when a command approved after `doc` owns one of its fields now: it reached, or may still reach, the plant. */
function isNewerOwner(doc: CommandDoc, other: CommandDoc, version: number): boolean {
  if (other.commandId === doc.commandId) return false;
  const v = versionOf(other);
  if (v === undefined || v <= version) return false;
  const mayReachPlant =
    other.state === 'approved' ||
    other.state === 'dispatched' ||
    other.state === 'acknowledged' ||
    (other.state === 'failed' && other.attempts > 0);
  return mayReachPlant && fieldsOf(other.setPoint).some((f) => doc.setPoint[f] !== undefined);
}

/**
 * The verdict on a command resumed in state `approved` or `dispatched`, from the equipment's read-back and our other
 * recent commands to it:
 * - confirmed: it was dispatched and the plant reports every one of its values since it was first sent;
 * - superseded: a command approved after it, or a change the plant reported after it was first sent, put another
 *   value in one of its fields — sending it now would put an older value over a newer one;
 * - send: neither; the envelope judges it again and it is sent with its own version.
 */
export function resumeVerdict(
  doc: CommandDoc,
  readback: ReadbackDoc | undefined,
  commands: readonly CommandDoc[],
  clockSkewToleranceMs: number,
): ResumeVerdict {
  const sentAtMs = firstSentAtMs(doc);
  const version = versionOf(doc);
  if (sentAtMs === undefined || version === undefined) return { kind: 'send' };
  const fields = fieldsOf(doc.setPoint);
  const reported = readback?.fields ?? {};
  if (
    doc.state === 'dispatched' &&
    fields.every((f) => {
      const r = reported[f];
      return r !== undefined && sameValue(r.value, doc.setPoint[f]!) && r.tsMs >= sentAtMs - clockSkewToleranceMs;
    })
  ) {
    const applied: PresentValues = {};
    const previous: PresentValues = {};
    let appliedAtMs = 0;
    for (const f of fields) {
      applied[f] = reported[f]!.value;
      const own = readback?.recent.findLast((c) => c.commandId === doc.commandId && c.field === f);
      if (own) previous[f] = own.from;
      appliedAtMs = Math.max(appliedAtMs, own?.atMs ?? reported[f]!.tsMs);
    }
    return { kind: 'confirmed', ack: { correlationId: `${doc.commandId}/readback`, appliedAtMs, applied, previous } };
  }
  const newer = commands.find((o) => isNewerOwner(doc, o, version));
  if (newer)
    return {
      kind: 'superseded',
      reason: `${newer.commandId} (version ${versionOf(newer)}, ${newer.state}) was approved after this command (version ${version}) for the same field`,
    };
  const changed = readback?.recent.find(
    (c) =>
      c.atMs > sentAtMs &&
      c.commandId !== doc.commandId &&
      doc.setPoint[c.field] !== undefined &&
      !sameValue(c.to, doc.setPoint[c.field as SetPointField]!),
  );
  if (changed)
    return {
      kind: 'superseded',
      reason: `the plant reported ${changed.field} changed to ${changed.to} at ${new Date(changed.atMs).toISOString()} (${changed.origin === 'command' ? `by ${changed.commandId}` : 'outside the platform'}), after this command was first sent`,
    };
  return { kind: 'send' };
}
