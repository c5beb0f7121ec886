import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../audit/audit-log.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { MemoryHotStateStore, type CellStateDoc } from '../telemetry/hot-state.js';
import { commandIdFor, proposedCommand, transition } from './command.js';
import { MemoryCommandRepository } from './command-repository.js';
import type { DispatchPolicy } from './dispatch-policy.js';
import { ScadaDispatcher } from './dispatcher.js';
import { DEFAULT_ENVELOPE_LIMITS } from './envelope-limits.js';
import { overrideChangedEvent, setpointRecommendedEvent } from './events.js';
import { RecordingGateway, type GatewayOutcome } from './gateway.js';
import { MemoryOverrideStore, scopeKeysCovering } from './override.js';
import { releaseManual, requestManual } from './override-service.js';
import { SET_POINT_FIELDS, type PresentValues, type SetPointField } from './set-point.js';

const T0 = Date.UTC(2025, 0, 1, 8);
const limits = DEFAULT_ENVELOPE_LIMITS;
const policy: DispatchPolicy = { maxAttempts: 3, ackTimeoutMs: 50, backoffMs: 10 };
const actor = { subject: 'op-7', clientId: 'console', correlationId: 'req-1' };

function harness(answer?: ConstructorParameters<typeof RecordingGateway>[0]) {
  let nowMs = T0;
  const commands = new MemoryCommandRepository();
  const overrides = new MemoryOverrideStore();
  const hotState = new MemoryHotStateStore();
  const publisher = new RecordingEventPublisher();
  const gateway = new RecordingGateway(answer);
  const sleeps: number[] = [];
  const hooks: { onSleep?: () => Promise<void> } = {};
  const dispatcher = new ScadaDispatcher({
    commands, overrides, hotState, gateway, publisher, limits, policy,
    clock: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
      await hooks.onSleep?.();
    },
  });
  const watch = (equipmentId: string, value: number, ageMs = 1000) => {
    const tag = equipmentId.endsWith('-LINE') ? 'lineCurrent' : 'cellVoltage';
    const doc: CellStateDoc = { id: equipmentId, cellId: equipmentId, lineId: 'L1', tags: { [tag]: { value, unit: tag === 'lineCurrent' ? 'kA' : 'V', ts: nowMs - ageMs, quality: 'good', flags: [] } }, updatedAtMs: nowMs };
    hotState.docs.set(equipmentId, doc);
  };
  return { dispatcher, commands, overrides, hotState, publisher, gateway, sleeps, hooks, watch, now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

const recommendation = (recommendationId: string, setPoints: { equipmentId: string; setPoint: PresentValues; present?: PresentValues }[]) =>
  setpointRecommendedEvent({ recommendationId, lineId: 'L1', setPoints: setPoints.map((s) => ({ present: {}, ...s })) }, { source: '/orchestrations/optimize', correlationId: recommendationId, time: new Date(T0) });

describe('SCADA dispatcher', () => {
  it('takes a recommendation through proposed → approved → dispatched → acknowledged and publishes each state', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(recommendation('run-1', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]));
    expect(report).toMatchObject({ kind: 'recommendation', commands: [{ equipmentId: 'L1-C001', state: 'acknowledged', actedOn: true }] });
    expect(h.gateway.sent).toHaveLength(1);
    expect(h.publisher.published.map((e) => e.type)).toEqual(['smelter.command.proposed', 'smelter.command.approved', 'smelter.command.dispatched', 'smelter.command.acknowledged']);
    const stored = [...h.commands.docs.values()][0]!;
    expect(stored.history.map((x) => x.state)).toEqual(['proposed', 'approved', 'dispatched', 'acknowledged']);
  });

  it('dispatches a redelivered recommendation once and re-publishes only the final state under the same event id', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const event = recommendation('run-2', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]);
    await h.dispatcher.handle(event);
    const second = await h.dispatcher.handle(event);
    expect(h.gateway.sent).toHaveLength(1);
    expect(second).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: false }] });
    const acks = h.publisher.published.filter((e) => e.type === 'smelter.command.acknowledged');
    expect(acks).toHaveLength(2);
    expect(acks[0]!.id).toBe(acks[1]!.id);
  });

  it('rejects a command outside the envelope with the rule named, and sends nothing', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(recommendation('run-3', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.5 }, present: { acdCm: 2.9 } }]));
    expect(report).toMatchObject({ commands: [{ state: 'rejected', violations: [{ rule: 'max-step', field: 'acdCm' }] }] });
    expect(h.gateway.sent).toHaveLength(0);
    expect(h.publisher.published.at(-1)!.type).toBe('smelter.command.rejected');
  });

  it('retries an unacknowledged command by policy, then fails it and publishes smelter.command.failed', async () => {
    const h = harness((c, attempt): GatewayOutcome => ({ kind: 'timeout', correlationId: `${c.commandId}/${attempt}` }));
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(recommendation('run-4', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]));
    expect(h.gateway.sent.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(h.sleeps).toEqual([10, 20]);
    expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'SCADA-ACK-TIMEOUT' } }] });
    expect(h.publisher.published.at(-1)).toMatchObject({ type: 'smelter.command.failed', data: { failure: { code: 'SCADA-ACK-TIMEOUT' } } });
  });

  it('fails at once when the PLC refuses, since a retry would be refused too', async () => {
    const h = harness((c, attempt): GatewayOutcome => ({ kind: 'refused', code: 'SIM-SETPOINT', message: 'acdCm out of range', correlationId: `${c.commandId}/${attempt}` }));
    h.watch('L1-C001', 4.4);
    const report = await h.dispatcher.handle(recommendation('run-5', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]));
    expect(h.gateway.sent).toHaveLength(1);
    expect(report).toMatchObject({ commands: [{ state: 'failed', failure: { code: 'SCADA-PLC-REFUSED' } }] });
  });

  it('stops retrying when the cell goes to manual between attempts', async () => {
    const h = harness((c, attempt): GatewayOutcome => ({ kind: 'timeout', correlationId: `${c.commandId}/${attempt}` }));
    h.watch('L1-C001', 4.4);
    h.hooks.onSleep = async () => void (await requestManual({ overrides: h.overrides, publisher: h.publisher, audit: new MemoryAuditLog() }, { kind: 'cell', cellId: 'L1-C001' }, 'feeder check', actor, h.now()));
    const report = await h.dispatcher.handle(recommendation('run-6', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]));
    expect(h.gateway.sent).toHaveLength(1);
    expect(report).toMatchObject({ commands: [{ state: 'failed', violations: [{ rule: 'interlock-manual' }] }] });
  });

  it('resumes a command a crashed delivery left dispatched, with the next attempt number', async () => {
    const h = harness();
    h.watch('L1-C001', 4.4);
    const event = recommendation('run-7', [{ equipmentId: 'L1-C001', setPoint: { acdCm: 3.0 }, present: { acdCm: 2.9 } }]);
    const id = commandIdFor('run-7', 'L1-C001', 'setpoint');
    let doc = proposedCommand({ commandId: id, recommendationId: 'run-7', sourceEventId: event.id, correlationId: 'run-7', equipmentId: 'L1-C001', lineId: 'L1', action: 'setpoint', setPoint: { acdCm: 3.0 }, reportedPresent: { acdCm: 2.9 } }, T0);
    await h.commands.create(doc);
    doc = transition(doc, 'approved', T0, { deltas: { acdCm: 0.1 } });
    await h.commands.update(doc);
    await h.commands.update(transition(doc, 'dispatched', T0, { attempts: 1 }));
    const report = await h.dispatcher.handle(event);
    expect(h.gateway.sent.map((s) => s.attempt)).toEqual([2]);
    expect(report).toMatchObject({ commands: [{ state: 'acknowledged' }] });
  });

  it('stores an override it learns from an event when that is newer than the stored one', async () => {
    const h = harness();
    const other = new MemoryOverrideStore();
    const change = await requestManual({ overrides: other, publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() }, { kind: 'line', lineId: 'L1' }, 'line outage', actor, T0);
    const event = overrideChangedEvent(change.override);
    expect(await h.dispatcher.handle(event)).toEqual({ kind: 'override', scopeKey: 'line:L1', mode: 'manual', stored: true });
    expect(await h.dispatcher.handle(event)).toMatchObject({ stored: false });
    expect((await h.overrides.get('line:L1'))?.mode).toBe('manual');
    const released = await releaseManual({ overrides: other, publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() }, { kind: 'line', lineId: 'L1' }, 'back to auto', { subject: 'mgr-1', clientId: 'console', correlationId: 'req-2' }, T0 + 1000);
    await h.dispatcher.handle(overrideChangedEvent(released.override));
    expect((await h.overrides.get('line:L1'))?.mode).toBe('released');
  });

  it('property: no command outside the envelope, to a cell in manual, in anode effect or with stale data ever reaches the gateway', async () => {
    const EQUIPMENT = ['L1-C001', 'L1-C002', 'L1-LINE'] as const;
    const step = fc.record({
      advanceMs: fc.integer({ min: 0, max: 40 * 60_000 }),
      overrides: fc.array(fc.record({ scope: fc.constantFrom('cell:L1-C001', 'cell:L1-C002', 'line:L1'), manual: fc.boolean() }), { maxLength: 1 }),
      // Mostly a healthy, watched cell, so that many commands pass and the property is tested where it matters.
      states: fc.array(fc.record({ voltageV: fc.constantFrom(4.3, 4.4, 4.6, 9, 35), ageMs: fc.constantFrom(500, 1000, 30_000, 59_000, 61_000, 600_000), missing: fc.constantFrom(false, false, false, true) }), { minLength: 3, maxLength: 3 }),
      setPoints: fc.array(
        fc.record({
          equipment: fc.constantFrom(...EQUIPMENT),
          field: fc.constantFrom(...SET_POINT_FIELDS),
          // Relative moves around a few max steps, plus wild absolute values.
          move: fc.oneof(
            { weight: 4, arbitrary: fc.double({ min: -0.4, max: 0.4, noNaN: true }) },
            { weight: 2, arbitrary: fc.double({ min: -40, max: 40, noNaN: true }) },
            { weight: 1, arbitrary: fc.constantFrom(-1000, 1000) },
          ),
          reportTruth: fc.constantFrom(true, true, true, false),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      plcAcks: fc.boolean(),
    });
    let sentTotal = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        // The plant's truth, kept by the test from what it acknowledged: the reference the invariant is checked against.
        const truth: Record<string, Record<SetPointField, number>> = Object.fromEntries(EQUIPMENT.map((e) => [e, { acdCm: 2.9, feedIntervalS: 120, lineCurrentKA: 126, alf3AdditionKgPerDay: 25 }]));
        const applied: { equipmentId: string; field: SetPointField; moveAbs: number; atMs: number }[] = [];
        let plcAcks = true;
        const h = harness((command, attempt) => {
          const now = h.now();
          // The invariant, checked independently at the moment a command reaches the plant side.
          for (const key of scopeKeysCovering(command.equipmentId)) expect(h.overrides.docs.get(key)?.mode).not.toBe('manual');
          const isLine = command.equipmentId.endsWith('-LINE');
          const state = h.hotState.docs.get(command.equipmentId);
          const reading = state?.tags[isLine ? 'lineCurrent' : 'cellVoltage'];
          expect(reading).toBeDefined();
          expect(now - reading!.ts).toBeLessThanOrEqual(limits.staleDataMaxAgeMs);
          if (!isLine) expect(reading!.value).toBeLessThanOrEqual(limits.anodeEffectThresholdV);
          for (const field of SET_POINT_FIELDS) {
            const v = command.setPoint[field];
            if (v === undefined) continue;
            expect(field === 'lineCurrentKA').toBe(isLine);
            const l = limits.fields[field];
            expect(v).toBeGreaterThanOrEqual(l.min);
            expect(v).toBeLessThanOrEqual(l.max);
            const move = Math.abs(v - truth[command.equipmentId]![field]);
            expect(move).toBeLessThanOrEqual(l.maxStep + 1e-9);
            const hour = applied.filter((a) => a.equipmentId === command.equipmentId && a.field === field && a.atMs > now - 3_600_000).reduce((s, a) => s + a.moveAbs, 0);
            expect(hour + move).toBeLessThanOrEqual(l.maxMovePerHour + 1e-9);
          }
          sentTotal++;
          if (!plcAcks) return { kind: 'timeout', correlationId: `${command.commandId}/${attempt}` };
          for (const field of SET_POINT_FIELDS) {
            const v = command.setPoint[field];
            if (v === undefined) continue;
            applied.push({ equipmentId: command.equipmentId, field, moveAbs: Math.abs(v - truth[command.equipmentId]![field]), atMs: now });
            truth[command.equipmentId]![field] = v;
          }
          return { kind: 'acknowledged', ack: { correlationId: `${command.commandId}/${attempt}`, appliedAtMs: now, applied: { ...command.setPoint }, previous: {} } };
        });
        for (const [i, s] of steps.entries()) {
          h.advance(s.advanceMs);
          plcAcks = s.plcAcks;
          for (const o of s.overrides) {
            const [kind, id] = o.scope.split(':') as ['cell' | 'line', string];
            const scope = kind === 'cell' ? { kind, cellId: id } : { kind, lineId: id };
            const current = h.overrides.docs.get(o.scope);
            if (o.manual) await requestManual({ overrides: h.overrides, publisher: h.publisher, audit: new MemoryAuditLog() }, scope, 'test', actor, h.now());
            else if (current?.mode === 'manual') await releaseManual({ overrides: h.overrides, publisher: h.publisher, audit: new MemoryAuditLog() }, scope, 'test', actor, h.now());
          }
          s.states.forEach((st, k) => {
            const e = EQUIPMENT[k]!;
            if (st.missing) h.hotState.docs.delete(e);
            else h.watch(e, e.endsWith('-LINE') ? 126 : st.voltageV, st.ageMs);
          });
          const byEquipment = new Map<string, { equipmentId: string; setPoint: PresentValues; present: PresentValues }>();
          for (const sp of s.setPoints) {
            const base = truth[sp.equipment]![sp.field];
            const value = Math.abs(sp.move) >= 1000 ? sp.move : base + sp.move;
            const entry = byEquipment.get(sp.equipment) ?? { equipmentId: sp.equipment, setPoint: {}, present: {} };
            entry.setPoint[sp.field] = value;
            if (sp.reportTruth) entry.present[sp.field] = base;
            byEquipment.set(sp.equipment, entry);
          }
          await h.dispatcher.handle(recommendation(`run-${i}`, [...byEquipment.values()]));
        }
      }),
      { numRuns: 120, seed: 20250101 },
    );
    // The property is not vacuous: many commands did pass the envelope and reach the gateway.
    expect(sentTotal).toBeGreaterThan(50);
  });
});

