import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { commandIdFor, proposedCommand, transition } from './command.js';
import { MemoryCommandRepository } from './command-repository.js';
import { TEST_ENVELOPE_LIMITS, TEST_PLANT } from '../plant/test-plant.js';
import { limitsFromPlant } from './equipment-limits.js';
import { MemoryReadbackStore } from './readback.js';
import { observeReadback, readbackReportsOf, type ReadbackReport } from './readback-observer.js';

const T0 = Date.UTC(2025, 0, 1, 8);

function observer() {
  const readback = new MemoryReadbackStore();
  const commands = new MemoryCommandRepository();
  const publisher = new RecordingEventPublisher();
  const audit = new MemoryAuditLog();
  let nowMs = T0;
  const observe = (reports: ReadbackReport[]) =>
    observeReadback(reports, {
      readback,
      commands,
      publisher,
      audit,
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      clock: () => nowMs,
    });
  return { readback, commands, publisher, audit, observe, at: (ms: number) => (nowMs = ms) };
}
const acd = (value: number, tsMs: number, equipmentId = 'L1-C001'): ReadbackReport => ({
  equipmentId,
  lineId: 'L1',
  field: 'acdCm',
  value,
  tsMs,
});

/** A command of ours to acdCm, sent (dispatched) at `sentAtMs`. */
async function sent(commands: MemoryCommandRepository, id: string, acdCm: number, sentAtMs: number) {
  const commandId = commandIdFor(id, 'L1-C001', 'setpoint');
  let doc = proposedCommand(
    {
      commandId,
      recommendationId: id,
      sourceEventId: id,
      correlationId: id,
      equipmentId: 'L1-C001',
      lineId: 'L1',
      action: 'setpoint',
      setPoint: { acdCm },
      reportedPresent: {},
    },
    sentAtMs,
  );
  await commands.create(doc);
  for (const [state, patch] of [
    ['approved', { deltas: { acdCm: 0.1 } }],
    ['dispatched', { attempts: 1 }],
  ] as const) {
    doc = transition(doc, state, sentAtMs, patch);
    await commands.update(doc);
  }
  return commandId;
}

describe('set-point read-back observer', () => {
  it('keeps the newest report per field; a first report is no change, a repeat teaches nothing', async () => {
    const o = observer();
    const first = await o.observe([acd(2.9, T0 - 2000), acd(2.9, T0 - 1000)]);
    expect(first).toMatchObject({ changes: 0, external: [], older: 0 });
    expect((await o.readback.latest('L1-C001'))?.fields.acdCm).toEqual({ value: 2.9, tsMs: T0 - 1000 });
    expect(await o.observe([acd(2.9, T0 - 1000), acd(2.8, T0 - 5000)])).toMatchObject({ changes: 0, older: 2 });
    expect((await o.readback.latest('L1-C001'))?.fields.acdCm).toEqual({ value: 2.9, tsMs: T0 - 1000 });
  });

  it('attributes a change to a command whose first attempt was applied though it was sent again later (retries)', async () => {
    const o = observer();
    await o.observe([acd(2.9, T0)]);
    const commandId = await sent(o.commands, 'run-retried', 3.1, T0 + 2000);
    // The read-back came too late for attempt 1: attempts 2 and 3 went out 8 and 16 s later, then it failed.
    let doc = (await o.commands.get(commandId))!;
    for (const [attempt, atMs] of [
      [2, T0 + 10_000],
      [3, T0 + 18_000],
    ] as const) {
      doc = transition(doc, 'dispatched', atMs, { attempts: attempt });
      await o.commands.update(doc);
    }
    doc = transition(doc, 'failed', T0 + 21_000, { failure: { code: 'SCADA-ACK-TIMEOUT', message: 'late' } });
    await o.commands.update(doc);
    o.at(T0 + 25_000);
    const s = await o.observe([acd(3.1, T0 + 2500)]);
    expect(s.external).toEqual([]);
    expect([...o.readback.changes.values()]).toMatchObject([{ origin: 'command', commandId }]);
  });

  it('attributes a change to the command of ours sent between the two reports that carries the new value', async () => {
    const o = observer();
    await o.observe([acd(2.9, T0)]);
    const commandId = await sent(o.commands, 'run-1', 3.1, T0 + 2000);
    o.at(T0 + 10_000);
    const s = await o.observe([acd(3.1, T0 + 3000)]);
    expect(s).toMatchObject({ changes: 1, external: [] });
    expect([...o.readback.changes.values()]).toMatchObject([
      { origin: 'command', commandId, from: 2.9, to: 3.1, moveAbs: expect.closeTo(0.2, 12) },
    ]);
    expect(o.audit.entries).toEqual([]);
    expect(o.publisher.published).toEqual([]);
  });

  it('records, audits and publishes a change no command explains, once however often the report is redelivered', async () => {
    const o = observer();
    await o.observe([acd(2.9, T0)]);
    o.at(T0 + 12_000);
    const batch = [acd(4.6, T0 + 10_000)];
    const s = await o.observe(batch);
    expect(s.external).toMatchObject([{ origin: 'external', field: 'acdCm', from: 2.9, to: 4.6 }]);
    await o.observe(batch);
    expect(o.readback.changes.size).toBe(1);
    expect(o.audit.entries).toMatchObject([
      {
        action: 'setpoint.changed-externally',
        resource: 'cells/L1-C001/setpoints',
        actor: { subject: 'plant' },
        detail: { field: 'acdCm', from: 2.9, to: 4.6 },
      },
    ]);
    const events = o.publisher.published.filter((e) => e.type === 'smelter.setpoint.changed-externally');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subject: 'L1-C001',
      data: { field: 'acdCm', from: 2.9, to: 4.6, atMs: T0 + 10_000 },
    });
  });

  it('measures an external change from the farthest value the plant may have held when one of our commands came in between', async () => {
    const o = observer();
    await o.observe([acd(2.9, T0)]);
    await sent(o.commands, 'run-2', 3.2, T0 + 2000);
    o.at(T0 + 12_000);
    // The report shows 2.7: not our 3.2, so someone else moved it — by 0.5 from 3.2 if our command had landed.
    const s = await o.observe([acd(2.7, T0 + 10_000)]);
    expect(s.external).toMatchObject([{ from: 2.9, to: 2.7, moveAbs: expect.closeTo(0.5, 12) }]);
  });

  it('an operator setting the value we sent before the previous report is still an external change', async () => {
    const o = observer();
    await sent(o.commands, 'run-3', 3.1, T0 - 60_000);
    await o.observe([acd(2.9, T0)]);
    o.at(T0 + 12_000);
    expect((await o.observe([acd(3.1, T0 + 10_000)])).external).toHaveLength(1);
  });

  it('refuses reports dated further in the future than the clock-skew allowance: they would never go stale', async () => {
    const o = observer();
    const s = await o.observe([acd(2.9, T0 + TEST_ENVELOPE_LIMITS.clockSkewToleranceMs + 1)]);
    expect(s).toMatchObject({ future: 1 });
    expect((await o.readback.latest('L1-C001'))?.fields.acdCm).toBeUndefined();
  });

  it('reads read-back points out of Event Hub bodies and ignores everything else', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const point = { lineId: 'L1', cellId: 'L1-C001', ts: T0, quality: 'good' };
    const reports = readbackReportsOf([
      enc([
        { ...point, tag: 'acdSetpoint', value: 29, unit: 'mm' },
        { ...point, tag: 'cellVoltage', value: 4.4, unit: 'V' },
        { ...point, tag: 'feedIntervalSetpoint', value: 90, unit: 's', quality: 'bad' },
      ]),
      enc({ points: [{ ...point, cellId: 'L1-LINE', tag: 'lineCurrentSetpoint', value: 126, unit: 'kA' }] }),
      new TextEncoder().encode('{not json'),
    ]);
    expect(reports).toEqual([
      { equipmentId: 'L1-C001', lineId: 'L1', field: 'acdCm', value: expect.closeTo(2.9, 12), tsMs: T0 },
      { equipmentId: 'L1-LINE', lineId: 'L1', field: 'lineCurrentKA', value: 126, tsMs: T0 },
    ]);
  });
});
