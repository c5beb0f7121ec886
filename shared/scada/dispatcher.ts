/**
 * The SCADA dispatcher: turns `smelter.setpoint.recommended` into commands, puts each through the safety envelope,
 * sends what passed through the gateway and follows it to an acknowledgement or a failure. Every state change is
 * stored by command id before it is published, so a redelivered event resumes the stored command instead of
 * sending it twice.
 */
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { errorCode } from '../kernel/errors.js';
import { count, observe } from '../observability/instruments.js';
import { inSpan, SPAN_ATTRIBUTES, SpanKind } from '../observability/tracing.js';
import type { HotStateStore } from '../telemetry/hot-state.js';
import { commandIdFor, isFinal, proposedCommand, transition, type CommandDoc, type CommandFailure } from './command.js';
import { CommandStoreUnavailableError, type CommandRepository } from './command-repository.js';
import { backoffBeforeMs, type DispatchPolicy } from './dispatch-policy.js';
import { afterAttemptInFlight } from './in-flight-attempt.js';
import {
  checkEnvelope,
  type CommandProposal,
  type EnvelopeCheckedCommand,
  type EnvelopeContext,
  type Violation,
} from './envelope.js';
import { envelopeContextOf, readEquipmentFacts, type EquipmentFacts } from './envelope-context.js';
import { nextCommandVersion, resumeVerdict, versionOf } from './command-version.js';
import type { EnvelopeLimits } from '../plant/envelope-limits.js';
import type { EquipmentLimits } from './equipment-limits.js';
import {
  commandStateEvent,
  commandStoreUnverifiableEvent,
  interlockUnverifiableEvent,
  OverrideChangedData,
  SetpointRecommendedData,
} from './events.js';
import type { ScadaGateway } from './gateway.js';
import { manualOverridesFor, type OverrideDoc, type OverrideStore } from './override.js';
import { applyOverrideEvent } from './override-service.js';
import type { ReadbackStore } from './readback.js';
import { DomainError } from '../kernel/errors.js';

export interface DispatcherDeps {
  commands: CommandRepository;
  overrides: OverrideStore;
  hotState: Pick<HotStateStore, 'getCell'>;
  /** The plant's reports of its active set points: the envelope's only source of present values. */
  readback: Pick<ReadbackStore, 'latest' | 'changesSince'>;
  gateway: ScadaGateway;
  publisher: EventPublisher;
  /** The envelope limits of each piece of equipment, from the plant model in force (or why there are none). */
  limitsFor: EquipmentLimits;
  policy: DispatchPolicy;
  /** Epoch ms now. */
  clock: () => number;
  /** Waits `ms` between attempts (tests pass one that returns at once). */
  sleep: (ms: number) => Promise<void>;
}

export interface CommandOutcome {
  commandId: string;
  equipmentId: string;
  state: CommandDoc['state'];
  violations: Violation[];
  failure?: CommandFailure;
  /** False when the command was already final on arrival (a redelivery): nothing was sent. */
  actedOn: boolean;
}

export type DispatchReport =
  | { kind: 'recommendation'; recommendationId: string; commands: CommandOutcome[] }
  | { kind: 'override'; scopeKey: string; mode: string; stored: boolean }
  | { kind: 'ignored'; type: string };

export class DispatchInputError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super('invalid-input', 'ERR-SCADA-INPUT', `Event rejected by the SCADA dispatcher: ${field} ${detail}`, field);
  }
}

export class ScadaDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Closes the gateway (its broker connection). */
  async close(): Promise<void> {
    await this.deps.gateway.close();
  }

  /** Handles one event from the `scada` subscription; resolves once every command in it is final. */
  async handle(event: PlantEvent): Promise<DispatchReport> {
    if (event.type === PlantEventType.setpointRecommended) return this.handleRecommendation(event);
    if (event.type === PlantEventType.overrideChanged) {
      const data = parseData(OverrideChangedData, event.data);
      const stored = await applyOverrideEvent(this.deps.overrides, data);
      return { kind: 'override', scopeKey: data.scopeKey, mode: data.mode, stored };
    }
    return { kind: 'ignored', type: event.type };
  }

  private async handleRecommendation(event: PlantEvent): Promise<DispatchReport> {
    const data = parseData(SetpointRecommendedData, event.data);
    const correlationId = event.correlationid ?? event.id;
    const commands = await Promise.all(
      data.setPoints.map((sp) =>
        this.runCommand({
          commandId: commandIdFor(data.recommendationId, sp.equipmentId, 'setpoint'),
          recommendationId: data.recommendationId,
          sourceEventId: event.id,
          correlationId,
          equipmentId: sp.equipmentId,
          lineId: data.lineId,
          action: 'setpoint',
          setPoint: sp.setPoint,
          reportedPresent: sp.present,
        }),
      ),
    );
    recordDispatch(event, commands, this.deps.clock());
    return { kind: 'recommendation', recommendationId: data.recommendationId, commands };
  }

  /** Creates the command (or finds it) and drives it to a final state, in a span of the event's trace. */
  private runCommand(c: Parameters<typeof proposedCommand>[0]): Promise<CommandOutcome> {
    return inSpan(
      'scada command',
      {
        attributes: {
          [SPAN_ATTRIBUTES.correlationId]: c.correlationId,
          'smelter.scada.command_id': c.commandId,
          'smelter.scada.equipment_id': c.equipmentId,
          [SPAN_ATTRIBUTES.lineId]: c.lineId,
        },
      },
      async (span) => {
        const out = await this.runCommandFailingClosed(c);
        span.setAttribute('smelter.scada.state', out.state);
        span.setAttribute('smelter.scada.acted_on', out.actedOn);
        if (out.violations.length)
          span.setAttribute(
            'smelter.scada.violations',
            out.violations.map((v) => v.rule),
          );
        return out;
      },
    );
  }

  /**
   * Runs one command. When the command store itself cannot answer, nothing is sent (the command's own record is what
   * keeps it from being sent twice): the interlock alert is raised and the error goes back to the message, which is
   * delivered again once the store may be back.
   */
  private async runCommandFailingClosed(c: Parameters<typeof proposedCommand>[0]): Promise<CommandOutcome> {
    try {
      return await this.runStoredCommand(c);
    } catch (e) {
      if (e instanceof CommandStoreUnavailableError)
        await this.deps.publisher.publish([commandStoreUnverifiableEvent(c, e.message, this.deps.clock())]);
      throw e;
    }
  }

  /** Creates the command (or finds it) and drives it to a final state. */
  private async runStoredCommand(c: Parameters<typeof proposedCommand>[0]): Promise<CommandOutcome> {
    const { commands } = this.deps;
    let doc = await commands.get(c.commandId);
    if (!doc) {
      const fresh = proposedCommand(c, this.deps.clock());
      if (await commands.create(fresh)) {
        doc = fresh;
        await this.publish(doc);
      } else {
        doc = (await commands.get(c.commandId))!;
      }
    }
    doc = await afterAttemptInFlight(doc, this.deps);
    if (isFinal(doc.state)) {
      // Re-publish the final state: if the earlier delivery stored it but died before publishing, this completes it.
      await this.publish(doc);
      return outcome(doc, false);
    }
    return outcome(await this.drive(doc), true);
  }

  private async drive(start: CommandDoc): Promise<CommandDoc> {
    let doc = start;
    const { clock } = this.deps;
    // Resumed or new, the command is checked now: interlocks are facts of this moment, not of the first delivery,
    // and the limits are those of the plant model in force now.
    const found = await this.deps.limitsFor(doc.equipmentId);
    if ('violations' in found) return this.refuse(doc, found.violations);
    const { limits } = found;
    let facts = await readEquipmentFacts(this.deps, doc.equipmentId, clock());
    if (doc.state !== 'proposed' && facts.unverifiable.length === 0) {
      // A resumed command: the plant may already hold its value, or a newer one. Ask the read-back before sending.
      const verdict = resumeVerdict(doc, facts.readback, facts.commands, limits.clockSkewToleranceMs);
      if (verdict.kind === 'confirmed') {
        const ack = { ...verdict.ack, receivedAtMs: clock() };
        return this.save(transition(doc, 'acknowledged', clock(), { ack }, 'confirmed by the plant read-back'));
      }
      if (verdict.kind === 'superseded') {
        const failure = {
          code: 'ERR-SCADA-SUPERSEDED',
          message: `Not sent again: ${verdict.reason}; sending it now would put an older value over a newer one`,
        };
        return this.save(transition(doc, 'failed', clock(), { failure }));
      }
    }
    const decision = checkEnvelope(proposalOf(doc), this.contextOf(doc, facts, limits), limits);
    if (!decision.ok) return this.refuse(doc, decision.violations);
    if (doc.state !== 'proposed') return this.send(doc, decision.command);
    const version = nextCommandVersion(doc, facts.commands, clock());
    doc = await this.save(transition(doc, 'approved', clock(), { deltas: { ...decision.command.deltas }, version }));
    // Deliveries run concurrently: another command to this equipment may have been approved since the check. Check
    // again with every approval stored so far counted; of two that pass together but not jointly, one sees the other.
    facts = await readEquipmentFacts(this.deps, doc.equipmentId, clock());
    const recheck = checkEnvelope(proposalOf(doc), this.contextOf(doc, facts, limits), limits);
    if (!recheck.ok) return this.save(transition(doc, 'rejected', clock(), { violations: recheck.violations }));
    return this.send(doc, recheck.command);
  }

  /** Ends a command the envelope refuses: rejected before it was sent, failed if an earlier attempt may have been. */
  private refuse(doc: CommandDoc, violations: Violation[]): Promise<CommandDoc> {
    if (doc.state === 'dispatched')
      return this.save(
        transition(doc, 'failed', this.deps.clock(), { failure: envelopeFailure(violations), violations }),
      );
    return this.save(transition(doc, 'rejected', this.deps.clock(), { violations }));
  }

  private async send(start: CommandDoc, command: EnvelopeCheckedCommand): Promise<CommandDoc> {
    const { gateway, policy, clock } = this.deps;
    let doc = start;
    let lastFailure: CommandFailure = { code: 'ERR-SCADA-ACK-TIMEOUT', message: 'no acknowledgement' };
    for (let attempt = doc.attempts + 1; attempt <= policy.maxAttempts; attempt++) {
      const pauseMs = backoffBeforeMs(policy, attempt);
      if (pauseMs > 0) await this.deps.sleep(pauseMs);
      // An override may have arrived while we waited: read it again right before anything leaves.
      const violations = await this.manualBeforeAttempt(doc.equipmentId, attempt);
      if (violations.length > 0) {
        if (doc.state === 'approved') return this.save(transition(doc, 'rejected', clock(), { violations }));
        return this.save(transition(doc, 'failed', clock(), { violations, failure: envelopeFailure(violations) }));
      }
      doc = await this.save(transition(doc, 'dispatched', clock(), { attempts: attempt }));
      let result;
      try {
        result = await inSpan(
          'scada gateway send',
          { kind: SpanKind.CLIENT, attributes: { 'smelter.scada.attempt': attempt } },
          () => gateway.send(command, attempt, policy.ackTimeoutMs),
        );
      } catch (e) {
        lastFailure = { code: 'ERR-SCADA-GATEWAY-DOWN', message: e instanceof Error ? e.message : String(e) };
        continue;
      }
      if (result.kind === 'acknowledged') {
        const ack = { ...result.ack, receivedAtMs: clock() };
        return this.save(transition(doc, 'acknowledged', clock(), { ack }));
      }
      if (result.kind === 'refused') {
        // The PLC read and refused it: sending it again would be refused again.
        return this.save(
          transition(doc, 'failed', clock(), {
            failure: { code: 'ERR-SCADA-PLC-REFUSED', message: `${result.code}: ${result.message}` },
          }),
        );
      }
      lastFailure = {
        code: 'ERR-SCADA-ACK-TIMEOUT',
        message: `no acknowledgement within ${policy.ackTimeoutMs} ms (correlation ${result.correlationId})`,
      };
    }
    const failure = {
      code: lastFailure.code,
      message: `${lastFailure.message} after ${doc.attempts} attempt(s); not known to be applied`,
    };
    return this.save(transition(doc, 'failed', clock(), { failure }));
  }

  /** The envelope's view of the command's equipment from facts read just now. */
  private contextOf(doc: CommandDoc, facts: EquipmentFacts, limits: EnvelopeLimits): EnvelopeContext {
    return envelopeContextOf(facts, doc.commandId, this.deps.clock(), limits);
  }

  /** Why the equipment may not be sent to now that it is in manual, or that its overrides cannot be read (fail closed). */
  private async manualBeforeAttempt(equipmentId: string, attempt: number): Promise<Violation[]> {
    let manual: OverrideDoc[];
    try {
      manual = await manualOverridesFor(this.deps.overrides, equipmentId);
    } catch (e) {
      return [
        {
          rule: 'interlock-unverifiable',
          message: `the manual overrides could not be read for ${equipmentId} before attempt ${attempt} (${e instanceof Error ? e.message : String(e)}); nothing is sent`,
        },
      ];
    }
    return manual.map((o) => ({
      rule: 'interlock-manual',
      message: `${equipmentId} went to manual (${o.scopeKey}, by ${o.requestedBy}) before attempt ${attempt}`,
    }));
  }

  private async save(doc: CommandDoc): Promise<CommandDoc> {
    await this.deps.commands.update(doc);
    await this.publish(doc);
    return doc;
  }

  /** The command's state event, and the alerting event when it was refused because a safety read went unanswered. */
  private async publish(doc: CommandDoc): Promise<void> {
    const unverifiable = interlockUnverifiableEvent(doc);
    await this.deps.publisher.publish(unverifiable ? [commandStateEvent(doc), unverifiable] : [commandStateEvent(doc)]);
  }
}

function proposalOf(doc: CommandDoc): CommandProposal {
  return {
    commandId: doc.commandId,
    equipmentId: doc.equipmentId,
    lineId: doc.lineId,
    action: doc.action,
    setPoint: doc.setPoint,
    ...(versionOf(doc) !== undefined ? { version: versionOf(doc) } : {}),
  };
}

/** Rules that say the plant's data about the cell was too old to judge by (`smelter.scada.stale_cells`). */
const STALE_RULES: ReadonlySet<string> = new Set(['interlock-stale-data', 'readback-stale', 'readback-missing']);

/**
 * The recommendation's figures for ops: time from publication to each command's final state, envelope refusals by
 * rule, and cells refused for stale data. A redelivered event whose commands were already final adds nothing.
 */
function recordDispatch(event: PlantEvent, commands: readonly CommandOutcome[], nowMs: number): void {
  const publishedMs = Date.parse(event.time);
  for (const c of commands) {
    if (!c.actedOn) continue;
    if (Number.isFinite(publishedMs)) observe('dispatchLatency', nowMs - publishedMs, { state: c.state });
    if (c.state !== 'rejected' && c.state !== 'failed') continue;
    const rules = new Set(c.violations.map((v) => v.rule));
    for (const rule of rules) count('envelopeRefusals', 1, { rule });
    for (const rule of rules) if (STALE_RULES.has(rule)) count('staleCells', 1, { rule });
  }
}

function envelopeFailure(violations: readonly Violation[]): CommandFailure {
  return {
    code: errorCode('SCADA', 'ENVELOPE', violations[0]?.rule ?? 'unknown'),
    message: `${violations.map((v) => v.message).join('; ')}; the earlier attempt is not known to be applied`,
  };
}

function outcome(doc: CommandDoc, actedOn: boolean): CommandOutcome {
  return {
    commandId: doc.commandId,
    equipmentId: doc.equipmentId,
    state: doc.state,
    violations: doc.violations,
    ...(doc.failure ? { failure: doc.failure } : {}),
    actedOn,
  };
}

function parseData<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DispatchInputError(`data.${issue?.path.map(String).join('.') ?? ''}`, issue?.message ?? 'is invalid');
  }
  return parsed.data;
}
