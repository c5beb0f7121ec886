/**
 * The safety envelope: the only place an `EnvelopeCheckedCommand` is made, so the gateway (which takes nothing
 * else) can only ever receive a command that passed every rule below at the moment it was checked.
 */
import type { CellStateDoc } from '../telemetry/hot-state.js';
import type { EnvelopeLimits } from '../plant/envelope-limits.js';
import type { OverrideDoc } from './override.js';
import type { ReportedSetPoint } from './readback.js';
import {
  fieldsOf,
  isLineEquipment,
  lineOfEquipment,
  type CommandAction,
  type SetPointField,
  type SetPointValues,
} from '../plant/set-point.js';

/** The rules a command can fail; a rejection names every one it broke. */
export const ENVELOPE_RULES = [
  'equipment-field',
  'absolute-limit',
  /** Raised by releases before set points were judged against the plant's read-back; kept so stored commands parse. */
  'step-baseline-unknown',
  'readback-missing',
  'readback-stale',
  'max-step',
  'max-rate',
  'interlock-manual',
  'interlock-anode-effect',
  'interlock-stale-data',
  'interlock-unverifiable',
  /** The equipment is not in the plant model in force: it has no limits to be judged by. */
  'unknown-equipment',
] as const;
export type EnvelopeRule = (typeof ENVELOPE_RULES)[number];

export interface Violation {
  rule: EnvelopeRule;
  /** The set-point field at fault, when the rule is about one. */
  field?: SetPointField;
  message: string;
}

/** A set-point change someone asked for; nothing may send it. */
export interface CommandProposal {
  commandId: string;
  equipmentId: string;
  lineId: string;
  action: CommandAction;
  setPoint: SetPointValues;
  /**
   * The command's version, fixed when it was first approved and stored with it: the plant refuses a version older than
   * the last it applied to the same field, so a command resumed after a crash cannot undo a newer one. A proposal
   * judged only for a preview leaves it out.
   */
  version?: number;
}

/** Movement one earlier command made (or may have made) to a field, for the rolling-hour limit. */
export interface RecentMove {
  commandId: string;
  field: SetPointField;
  /** |new − previous| in the field's unit. */
  moveAbs: number;
  atMs: number;
}

/** What the envelope looks at besides the proposal, read fresh for each check (envelope-context.ts builds it). */
export interface EnvelopeContext {
  nowMs: number;
  /** The equipment's hot-state document (the cell's, or `<line>-LINE` for the rectifier); undefined when none. */
  equipmentState: CellStateDoc | undefined;
  /** Manual overrides in force over the equipment (its own and its line's). */
  manualOverrides: readonly OverrideDoc[];
  /** The plant's newest report of each field's active set point (read-back), with its plant time. */
  reported: Partial<Record<SetPointField, ReportedSetPoint>>;
  /**
   * Values our own sent (or about to be sent) commands may have put in place that the report does not show yet:
   * the step is bounded from each of them as well as from the report.
   */
  unconfirmed: Partial<Record<SetPointField, readonly number[]>>;
  /** Real movement of each field within the last hour: changes the plant reported (ours and external) and unconfirmed sends. */
  recentMoves: readonly RecentMove[];
  /** Safety reads that could not be answered (store down, container missing, document unreadable): nothing may move. */
  unverifiable: readonly string[];
}

/** Window of the rate rule, ms (the limits are per rolling hour). */
export const RATE_WINDOW_MS = 3_600_000;
/** The hot-state tag that proves the equipment is watched: cell voltage for cells, line current for a rectifier. */
const WATCH_TAG = { cell: 'cellVoltage', line: 'lineCurrent' } as const;
/** Slack on step and rate comparisons, in the field's unit: absorbs binary rounding (2.9 + 0.3), far below any instrument's resolution. */
export const ENVELOPE_TOLERANCE = 1e-9;

const issuedByEnvelope: unique symbol = Symbol('issued by the safety envelope');

/**
 * A command that passed the safety envelope: only `checkEnvelope` can make one (private constructor; the private
 * field makes the type nominal, so a look-alike object does not type-check as one).
 */
export class EnvelopeCheckedCommand {
  readonly #brand = issuedByEnvelope;
  readonly commandId: string;
  readonly equipmentId: string;
  readonly lineId: string;
  readonly action: CommandAction;
  readonly setPoint: Readonly<SetPointValues>;
  /** Signed change per field from the farthest value the plant may hold (the report or an unconfirmed command). */
  readonly deltas: Readonly<Partial<Record<SetPointField, number>>>;
  readonly checkedAtMs: number;
  /** The version the plant is sent (CommandProposal.version; the check time for a proposal that has none). */
  readonly version: number;

  private constructor(p: CommandProposal, deltas: Partial<Record<SetPointField, number>>, checkedAtMs: number) {
    this.commandId = p.commandId;
    this.equipmentId = p.equipmentId;
    this.lineId = p.lineId;
    this.action = p.action;
    this.setPoint = Object.freeze({ ...p.setPoint });
    this.deltas = Object.freeze({ ...deltas });
    this.checkedAtMs = checkedAtMs;
    this.version = p.version ?? checkedAtMs;
    Object.freeze(this);
  }

  /** True for a real checked command (a runtime guard for callers that received `unknown`). */
  static isChecked(value: unknown): value is EnvelopeCheckedCommand {
    return value instanceof EnvelopeCheckedCommand && value.#brand === issuedByEnvelope;
  }

  /** @internal Use checkEnvelope. */
  static check(proposal: CommandProposal, context: EnvelopeContext, limits: EnvelopeLimits): EnvelopeDecision {
    const violations = envelopeViolations(proposal, context, limits);
    if (violations.length > 0) return { ok: false, violations };
    const deltas: Partial<Record<SetPointField, number>> = {};
    for (const f of fieldsOf(proposal.setPoint))
      deltas[f] = largestMove(proposal.setPoint[f]!, candidatesOf(context, f)!);
    return { ok: true, command: new EnvelopeCheckedCommand(proposal, deltas, context.nowMs) };
  }
}

export type EnvelopeDecision = { ok: true; command: EnvelopeCheckedCommand } | { ok: false; violations: Violation[] };

/** Checks a proposal against every rule; returns the checked command, or every violation with its rule named. */
export function checkEnvelope(
  proposal: CommandProposal,
  context: EnvelopeContext,
  limits: EnvelopeLimits,
): EnvelopeDecision {
  return EnvelopeCheckedCommand.check(proposal, context, limits);
}

/** Every rule the proposal breaks, in a stable order (interlocks first: they say why nothing may move). */
export function envelopeViolations(p: CommandProposal, ctx: EnvelopeContext, limits: EnvelopeLimits): Violation[] {
  return [...interlockViolations(p, ctx, limits), ...fieldViolations(p, ctx, limits)];
}

function interlockViolations(p: CommandProposal, ctx: EnvelopeContext, limits: EnvelopeLimits): Violation[] {
  const out: Violation[] = [];
  for (const what of ctx.unverifiable) {
    out.push({
      rule: 'interlock-unverifiable',
      message: `${what} could not be read for ${p.equipmentId}: nothing is sent until it can`,
    });
  }
  for (const o of ctx.manualOverrides) {
    out.push({
      rule: 'interlock-manual',
      message: `${p.equipmentId} is in manual (${o.scopeKey}, by ${o.requestedBy}: ${o.reason}); release the override to dispatch`,
    });
  }
  const line = isLineEquipment(p.equipmentId);
  const tag = line ? WATCH_TAG.line : WATCH_TAG.cell;
  const reading = ctx.equipmentState?.cellId === p.equipmentId ? ctx.equipmentState.tags[tag] : undefined;
  if (!reading) {
    out.push({
      rule: 'interlock-stale-data',
      message: `No ${tag} reading for ${p.equipmentId}: the envelope cannot see its state`,
    });
  } else {
    const ageMs = ctx.nowMs - reading.ts;
    if (ageMs > limits.staleDataMaxAgeMs) {
      out.push({
        rule: 'interlock-stale-data',
        message: `Newest ${tag} of ${p.equipmentId} is ${Math.round(ageMs / 1000)} s old (limit ${limits.staleDataMaxAgeMs / 1000} s)`,
      });
    } else if (-ageMs > limits.clockSkewToleranceMs) {
      // A reading dated in the future would never go stale and would hide every later one: not evidence of now.
      out.push({
        rule: 'interlock-stale-data',
        message: `Newest ${tag} of ${p.equipmentId} is dated ${Math.round(-ageMs / 1000)} s in the future; check the source's clock`,
      });
    }
    if (!line && reading.value > limits.anodeEffectThresholdV) {
      out.push({
        rule: 'interlock-anode-effect',
        message: `${p.equipmentId} reads ${reading.value} V (> ${limits.anodeEffectThresholdV} V): in anode effect`,
      });
    }
  }
  if (lineOfEquipment(p.equipmentId) !== p.lineId) {
    out.push({ rule: 'equipment-field', message: `${p.equipmentId} is not on line ${p.lineId}` });
  }
  return out;
}

function fieldViolations(p: CommandProposal, ctx: EnvelopeContext, limits: EnvelopeLimits): Violation[] {
  const out: Violation[] = [];
  // With a safety read unanswered, no field can be judged: interlock-unverifiable already says why.
  if (ctx.unverifiable.length > 0) return out;
  const line = isLineEquipment(p.equipmentId);
  for (const field of fieldsOf(p.setPoint)) {
    const value = p.setPoint[field]!;
    const l = limits.fields[field];
    // A cell-addressed line current would move every cell of the line past the line's own interlocks.
    if (line !== (field === 'lineCurrentKA')) {
      out.push({
        rule: 'equipment-field',
        field,
        message: line
          ? `${p.equipmentId} is a line: it takes only lineCurrentKA`
          : `lineCurrentKA is set on the line (${p.lineId}-LINE), not on a cell`,
      });
      continue;
    }
    if (!(value >= l.min && value <= l.max)) {
      out.push({
        rule: 'absolute-limit',
        field,
        message: `${field} ${value} is outside the equipment rating [${l.min}, ${l.max}]`,
      });
    }
    const reported = ctx.reported[field];
    if (!reported) {
      out.push({
        rule: 'readback-missing',
        field,
        message: `${p.equipmentId} has never reported its active ${field}, so the step cannot be judged against the plant; check the PLC's read-back of ${field}`,
      });
      continue;
    }
    const reportAgeMs = ctx.nowMs - reported.tsMs;
    if (reportAgeMs > limits.staleDataMaxAgeMs || -reportAgeMs > limits.clockSkewToleranceMs) {
      const when =
        reportAgeMs > 0
          ? `${Math.round(reportAgeMs / 1000)} s old (limit ${limits.staleDataMaxAgeMs / 1000} s)`
          : `dated ${Math.round(-reportAgeMs / 1000)} s in the future`;
      out.push({
        rule: 'readback-stale',
        field,
        message: `The plant's newest report of ${field} on ${p.equipmentId} is ${when}; the present value is not known`,
      });
      continue;
    }
    const candidates = candidatesOf(ctx, field)!;
    const step = Math.abs(largestMove(value, candidates));
    if (!(step <= l.maxStep + ENVELOPE_TOLERANCE)) {
      const from =
        candidates.length > 1
          ? `the reported ${reported.value} (or ${candidates.slice(1).join(', ')} sent and not yet reported)`
          : `the reported ${reported.value}`;
      out.push({
        rule: 'max-step',
        field,
        message: `${field} step ${round(step)} from ${from} exceeds ${l.maxStep} per command`,
      });
    }
    const windowStart = ctx.nowMs - RATE_WINDOW_MS;
    const moved = ctx.recentMoves
      .filter((m) => m.field === field && m.commandId !== p.commandId && m.atMs > windowStart)
      .reduce((s, m) => s + m.moveAbs, 0);
    if (!(moved + step <= l.maxMovePerHour + ENVELOPE_TOLERANCE)) {
      out.push({
        rule: 'max-rate',
        field,
        message: `${field} would move ${round(moved + step)} within an hour (${round(moved)} already), limit ${l.maxMovePerHour}`,
      });
    }
  }
  return out;
}

/** Every value the field may hold now: the plant's report first, then what unconfirmed commands may have set. */
function candidatesOf(ctx: EnvelopeContext, field: SetPointField): number[] | undefined {
  const reported = ctx.reported[field];
  return reported ? [reported.value, ...(ctx.unconfirmed[field] ?? [])] : undefined;
}

/** The signed move to `value` from the farthest of `candidates`. */
function largestMove(value: number, candidates: readonly number[]): number {
  let move = 0;
  for (const c of candidates) if (Math.abs(value - c) > Math.abs(move)) move = value - c;
  return move;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
