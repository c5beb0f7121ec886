/**
 * The dispatcher under Azure's Service Bus delivery: messages of the `scada` subscription run concurrently (16 per
 * processor by default), and a message whose lock runs out is delivered again while its first delivery still runs.
 * The command store's optimistic revisions keep two deliveries from both writing a state; these tests show what
 * reaches the PLC.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { MemoryHotStateStore, type CellStateDoc } from '../telemetry/hot-state.js';
import { commandIdFor, proposedCommand, transition } from './command.js';
import { MemoryCommandRepository } from './command-repository.js';
import type { DispatchPolicy } from './dispatch-policy.js';
import { ScadaDispatcher } from './dispatcher.js';
import { TEST_ENVELOPE_LIMITS, TEST_PLANT } from '../plant/test-plant.js';
import { limitsFromPlant } from './equipment-limits.js';
import type { EnvelopeCheckedCommand } from './envelope.js';
import { setpointRecommendedEvent } from './events.js';
import type { GatewayOutcome, ScadaGateway } from './gateway.js';
import { MemoryOverrideStore } from './override.js';
import { MemoryReadbackStore } from './readback.js';
import type { PresentValues } from '../plant/set-point.js';

const T0 = Date.UTC(2025, 0, 1, 8);
const policy: DispatchPolicy = { maxAttempts: 3, ackTimeoutMs: 3000, backoffMs: 500 };

/** A PLC that acknowledges an attempt `latencyMs` after it was sent (on the test's clock), or never (Infinity). */
class SlowPlc implements ScadaGateway {
  readonly sent: { commandId: string; attempt: number; atMs: number }[] = [];
  readonly #waiting: { dueMs: number; answer: () => void }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly latencyMs: (attempt: number) => number,
  ) {}

  send(command: EnvelopeCheckedCommand, attempt: number): Promise<GatewayOutcome> {
    this.sent.push({ commandId: command.commandId, attempt, atMs: this.now() });
    return new Promise((resolve) => {
      this.#waiting.push({
        dueMs: this.now() + this.latencyMs(attempt),
        answer: () =>
          resolve({
            kind: 'acknowledged',
            ack: {
              correlationId: `${command.commandId}/${attempt}`,
              appliedAtMs: this.now(),
              applied: { ...command.setPoint },
              previous: {},
            },
          }),
      });
    });
  }

  /** Answers every attempt whose acknowledgement is due by now. */
  tick(): void {
    for (const w of this.#waiting.filter((x) => x.dueMs <= this.now())) {
      this.#waiting.splice(this.#waiting.indexOf(w), 1);
      w.answer();
    }
  }

  async close(): Promise<void> {}
}

function harness(latencyMs: (attempt: number) => number) {
  let nowMs = T0;
  const commands = new MemoryCommandRepository();
  const hotState = new MemoryHotStateStore();
  const readback = new MemoryReadbackStore();
  const plc = new SlowPlc(() => nowMs, latencyMs);
  const advance = async (ms: number) => {
    nowMs += ms;
    plc.tick();
    for (let i = 0; i < 10; i++) await tick();
  };
  const dispatcher = new ScadaDispatcher({
    commands,
    overrides: new MemoryOverrideStore(),
    hotState,
    readback,
    gateway: plc,
    publisher: new RecordingEventPublisher(),
    limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
    policy,
    clock: () => nowMs,
    sleep: (ms) => advance(ms),
  });
  const watch = (equipmentId: string) => {
    const doc: CellStateDoc = {
      id: equipmentId,
      cellId: equipmentId,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: nowMs - 1000, quality: 'good', flags: [] } },
      updatedAtMs: nowMs,
    };
    hotState.docs.set(equipmentId, doc);
    // The PLC reports the ACD it holds: what the envelope judges the step from.
    readback.docs.set(equipmentId, {
      id: equipmentId,
      kind: 'readback',
      equipmentId,
      lineId: 'L1',
      fields: { acdCm: { value: 2.9, tsMs: nowMs - 1000 } },
      recent: [],
      updatedAtMs: nowMs,
    });
  };
  /** Runs `work` while the plant's time moves on in small steps, until it settles. */
  const untilSettled = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const result = work.finally(() => (done = true));
    while (!done) await advance(10);
    return result;
  };
  return { dispatcher, commands, plc, watch, untilSettled, now: () => nowMs };
}

const recommendation = (
  recommendationId: string,
  equipmentId: string,
  setPoint: PresentValues,
  present: PresentValues,
) =>
  setpointRecommendedEvent(
    { recommendationId, lineId: 'L1', setPoints: [{ equipmentId, setPoint, present }] },
    { source: '/orchestrations/optimize', correlationId: recommendationId, time: new Date(T0) },
  );

const flush = async () => {
  for (let i = 0; i < 10; i++) await tick();
};

describe('SCADA dispatcher with concurrent and repeated deliveries', () => {
  it('sends nothing for a redelivery while the first delivery still waits for the acknowledgement, and ends with its outcome', async () => {
    // The PLC answers after 2 s, inside the 3 s acknowledgement timeout; the lock ran out before that.
    const h = harness(() => 2000);
    h.watch('L1-C001');
    const event = recommendation('run-a', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 });
    const first = h.dispatcher.handle(event);
    await flush();
    expect(h.plc.sent).toHaveLength(1);
    const again = h.dispatcher.handle(event);
    const [r1, r2] = await h.untilSettled(Promise.all([first, again]));
    expect(h.plc.sent.map((s) => s.attempt)).toEqual([1]);
    expect(r1).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: true }] });
    expect(r2).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: false }] });
  });

  it('resumes a command a crashed delivery left dispatched once its attempt can no longer be acknowledged', async () => {
    const h = harness(() => 100);
    h.watch('L1-C001');
    const event = recommendation('run-b', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 });
    // What a host killed while waiting for the PLC leaves in the store: attempt 1 dispatched just now.
    const commandId = commandIdFor('run-b', 'L1-C001', 'setpoint');
    const proposed = proposedCommand(
      {
        commandId,
        recommendationId: 'run-b',
        sourceEventId: event.id,
        correlationId: 'run-b',
        equipmentId: 'L1-C001',
        lineId: 'L1',
        action: 'setpoint',
        setPoint: { acdCm: 3.0 },
        reportedPresent: { acdCm: 2.9 },
      },
      h.now(),
    );
    const approved = transition(proposed, 'approved', h.now(), { deltas: { acdCm: 0.1 } });
    await h.commands.create(proposed);
    await h.commands.update(approved);
    await h.commands.update(transition(approved, 'dispatched', h.now(), { attempts: 1 }));

    const report = await h.untilSettled(h.dispatcher.handle(event));
    expect(report).toMatchObject({ commands: [{ state: 'acknowledged', actedOn: true }] });
    expect(h.plc.sent).toHaveLength(1);
    expect(h.plc.sent[0]).toMatchObject({ attempt: 2 });
    expect(h.plc.sent[0]!.atMs - T0).toBeGreaterThanOrEqual(policy.ackTimeoutMs);
  });

  // Each delivery checks the envelope again after storing its approval; one that then sees the others' approvals
  // break the hourly limit together rejects itself. At worst all are rejected (safe); never are all applied.
  it('keeps the hourly move limit when recommendations for the same cell are delivered at once', async () => {
    const h = harness(() => 50);
    h.watch('L1-C001');
    // Each moves ACD by 0.3 cm (the largest step); together they would move it 0.9 cm where 0.6 cm an hour is allowed.
    const events = ['run-c1', 'run-c2', 'run-c3'].map((id) =>
      recommendation(id, 'L1-C001', { acdCm: 3.2 }, { acdCm: 2.9 }),
    );
    const reports = await h.untilSettled(Promise.all(events.map((e) => h.dispatcher.handle(e))));
    const outcomes = reports.flatMap((r) => (r.kind === 'recommendation' ? r.commands : []));
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) {
      expect(['acknowledged', 'rejected']).toContain(o.state);
      if (o.state === 'rejected') expect(o.violations.map((v) => v.rule)).toContain('max-rate');
    }
    const sentMove = h.plc.sent.reduce(
      (sum, s) => sum + Math.abs(h.commands.docs.get(s.commandId)!.deltas.acdCm ?? 0),
      0,
    );
    expect(sentMove).toBeLessThanOrEqual(TEST_ENVELOPE_LIMITS.fields.acdCm.maxMovePerHour + 1e-9);
    expect(new Set(h.plc.sent.map((s) => s.commandId)).size).toBe(h.plc.sent.length);
  });
});
