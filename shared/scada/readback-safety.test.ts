import { describe, expect, it } from 'vitest';
import { defaultEventPolicies, raiseRequestFromEvent } from '../alerts/plant-events.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { MemoryHotStateStore } from '../telemetry/hot-state.js';
import { CommandStoreUnavailableError, MemoryCommandRepository } from './command-repository.js';
import { ScadaDispatcher } from './dispatcher.js';
import { TEST_ENVELOPE_LIMITS, TEST_PLANT } from '../plant/test-plant.js';
import { limitsFromPlant } from './equipment-limits.js';
import { setpointRecommendedEvent } from './events.js';
import { RecordingGateway } from './gateway.js';
import { MemoryOverrideStore, OverrideStoreUnavailableError } from './override.js';
import { MemoryReadbackStore } from './readback.js';
import type { PresentValues, SetPointField } from '../plant/set-point.js';

const T0 = Date.UTC(2025, 0, 1, 8);
const limits = TEST_ENVELOPE_LIMITS;

/** A dispatcher whose plant side is a test-owned read-back store: what the plant reports, not what we sent. */
function plant() {
  let nowMs = T0;
  const overrides = new MemoryOverrideStore();
  const publisher = new RecordingEventPublisher();
  const readback = new MemoryReadbackStore();
  const hotState = new MemoryHotStateStore();
  const gateway = new RecordingGateway();
  const commands = new MemoryCommandRepository();
  const dispatcher = new ScadaDispatcher({
    commands,
    overrides,
    hotState,
    readback,
    gateway,
    publisher,
    limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
    policy: { maxAttempts: 1, ackTimeoutMs: 50, backoffMs: 0 },
    clock: () => nowMs,
    sleep: async (ms) => void (nowMs += ms),
  });
  const watch = (cellId: string) =>
    hotState.docs.set(cellId, {
      id: cellId,
      cellId,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: nowMs - 1000, quality: 'good', flags: [] } },
      updatedAtMs: nowMs,
    });
  /** The plant reports its active set point for a field (HMI change, PLC refresh …) at plant time `atMs`. */
  const report = async (cellId: string, field: SetPointField, value: number, atMs = nowMs) =>
    readback.saveLatest({
      id: cellId,
      kind: 'readback',
      equipmentId: cellId,
      lineId: 'L1',
      fields: { [field]: { value, tsMs: atMs } },
      updatedAtMs: nowMs,
    });
  const recommend = (id: string, cellId: string, setPoint: PresentValues, present: PresentValues) =>
    dispatcher.handle(
      setpointRecommendedEvent(
        { recommendationId: id, lineId: 'L1', setPoints: [{ equipmentId: cellId, setPoint, present }] },
        { source: '/test', time: new Date(nowMs) },
      ),
    );
  return {
    dispatcher,
    gateway,
    readback,
    overrides,
    publisher,
    commands,
    watch,
    report,
    recommend,
    advance: (ms: number) => (nowMs += ms),
    now: () => nowMs,
  };
}

describe('SCADA dispatcher judges every command against what the plant reports', () => {
  it('refuses a 1.8 cm ACD move after an operator changed the set point at the HMI, though our own last acknowledgement is close', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    // Our own command 2.9 → 3.0 is acknowledged.
    const first = await p.recommend('run-1', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 });
    expect(first).toMatchObject({ commands: [{ state: 'acknowledged' }] });
    // An operator sets 4.6 cm at the HMI; the plant reports it.
    p.advance(20_000);
    await p.report('L1-C001', 'acdCm', 4.6);
    p.watch('L1-C001');
    // The optimiser, unaware, proposes 2.785 cm from its own estimate of 2.9.
    const second = await p.recommend('run-2', 'L1-C001', { acdCm: 2.785 }, { acdCm: 2.9 });
    expect(second).toMatchObject({
      commands: [
        {
          state: 'rejected',
          violations: expect.arrayContaining([expect.objectContaining({ rule: 'max-step', field: 'acdCm' })]),
        },
      ],
    });
    expect(p.gateway.sent).toHaveLength(1);
  });

  it('refuses a command whose field the plant has never reported, naming the field', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    const out = await p.recommend(
      'run-3',
      'L1-C001',
      { acdCm: 3.0, feedIntervalS: 110 },
      { acdCm: 2.9, feedIntervalS: 120 },
    );
    expect(out).toMatchObject({
      commands: [{ state: 'rejected', violations: [{ rule: 'readback-missing', field: 'feedIntervalS' }] }],
    });
    expect(p.gateway.sent).toHaveLength(0);
  });

  it('refuses when the newest report of the field is older than staleDataMaxAgeMs, and when it is dated in the future', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9, p.now() - limits.staleDataMaxAgeMs - 1);
    expect(await p.recommend('run-4', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 })).toMatchObject({
      commands: [{ state: 'rejected', violations: [{ rule: 'readback-stale', field: 'acdCm' }] }],
    });
    const future = plant();
    future.watch('L1-C001');
    await future.report('L1-C001', 'acdCm', 2.9, future.now() + 3_600_000);
    expect(await future.recommend('run-5', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 })).toMatchObject({
      commands: [{ state: 'rejected', violations: [{ rule: 'readback-stale', field: 'acdCm' }] }],
    });
    expect(p.gateway.sent.length + future.gateway.sent.length).toBe(0);
  });

  it('bounds the step against a value our own sent command may have put in place before the plant reported it', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    expect(await p.recommend('run-6', 'L1-C001', { acdCm: 2.6 }, { acdCm: 2.9 })).toMatchObject({
      commands: [{ state: 'acknowledged' }],
    });
    // The plant has not reported since: 3.2 is 0.3 from the report but 0.6 from what the PLC may now hold.
    p.advance(1000);
    expect(await p.recommend('run-7', 'L1-C001', { acdCm: 3.2 }, { acdCm: 2.9 })).toMatchObject({
      commands: [
        {
          state: 'rejected',
          violations: expect.arrayContaining([expect.objectContaining({ rule: 'max-step', field: 'acdCm' })]),
        },
      ],
    });
  });

  it('refuses every command, naming the read, while the read-back store cannot be read (fail closed)', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    p.readback.unavailable = true;
    const out = await p.recommend('run-8', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 });
    expect(out).toMatchObject({ commands: [{ state: 'rejected', violations: [{ rule: 'interlock-unverifiable' }] }] });
    expect(p.gateway.sent).toHaveLength(0);
    expect(p.publisher.published.filter((e) => e.type === 'smelter.interlock.unverifiable')).toMatchObject([
      { subject: 'L1-C001', data: { reason: expect.stringContaining('read-back') } },
    ]);
  });

  it('refuses and raises the alert event when the manual overrides cannot be read, never reading them as "not in manual"', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    p.overrides.get = async () => {
      throw new OverrideStoreUnavailableError('cell:L1-C001', 'the container does not exist');
    };
    const out = await p.recommend('run-9', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 });
    expect(out).toMatchObject({
      commands: [
        {
          state: 'rejected',
          violations: [{ rule: 'interlock-unverifiable', message: expect.stringContaining('manual overrides') }],
        },
      ],
    });
    expect(p.gateway.sent).toHaveLength(0);
    const alerts = p.publisher.published.filter((e) => e.type === 'smelter.interlock.unverifiable');
    expect(alerts).toHaveLength(1);
    // The alert notifier's policy turns it into a critical alert naming the cell and what to check.
    const raise = raiseRequestFromEvent(
      alerts[0]!,
      defaultEventPolicies({ operations: ['ops'], engineering: ['eng'] }),
    );
    expect(raise).toMatchObject({
      severity: 'critical',
      cellId: 'L1-C001',
      channels: ['ops', 'eng'],
      title: expect.stringContaining('cannot be verified on L1-C001'),
    });
  });

  it('refuses and alerts when our own command history cannot be queried, never counting it as "no moves"', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    p.commands.recentForEquipment = async () => {
      throw new CommandStoreUnavailableError('scada-commands: the container does not exist');
    };
    const out = await p.recommend('run-10', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 });
    expect(out).toMatchObject({
      commands: [
        {
          state: 'rejected',
          violations: [{ rule: 'interlock-unverifiable', message: expect.stringContaining('command history') }],
        },
      ],
    });
    expect(p.gateway.sent).toHaveLength(0);
    expect(p.publisher.published.filter((e) => e.type === 'smelter.interlock.unverifiable')).toHaveLength(1);
  });

  it('sends nothing, alerts and leaves the message to be delivered again while the command store is down', async () => {
    const p = plant();
    p.watch('L1-C001');
    await p.report('L1-C001', 'acdCm', 2.9);
    p.commands.unavailable = true;
    await expect(p.recommend('run-11', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 })).rejects.toBeInstanceOf(
      CommandStoreUnavailableError,
    );
    expect(p.gateway.sent).toHaveLength(0);
    expect(p.publisher.published.map((e) => e.type)).toEqual(['smelter.interlock.unverifiable']);
    // Back again: the redelivered message is dispatched as if it came for the first time.
    p.commands.unavailable = false;
    expect(await p.recommend('run-11', 'L1-C001', { acdCm: 3.0 }, { acdCm: 2.9 })).toMatchObject({
      commands: [{ state: 'acknowledged' }],
    });
    expect(p.gateway.sent).toHaveLength(1);
  });
});
