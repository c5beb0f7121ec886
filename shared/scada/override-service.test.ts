import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import { RecordingEventPublisher, type EventPublisher } from '../messaging/event-publisher.js';
import { parsePlantEvent } from '../messaging/cloud-event.js';
import { OverrideChangedData } from './events.js';
import { manualOverridesFor, MemoryOverrideStore, OverrideConflictError } from './override.js';
import { releaseManual, requestManual } from './override-service.js';

const T0 = Date.UTC(2025, 0, 1);
const op = { subject: 'op-7', clientId: 'console', correlationId: 'req-1' };
const mgr = { subject: 'mgr-1', clientId: 'console', correlationId: 'req-2' };
const deps = (overrides: MemoryOverrideStore, publisher: EventPublisher, audit = new MemoryAuditLog()) => ({
  overrides,
  publisher,
  audit,
});

describe('manual override', () => {
  it('puts a line in manual at once, covering its cells and its rectifier, and publishes smelter.override.changed', async () => {
    const store = new MemoryOverrideStore();
    const pub = new RecordingEventPublisher();
    const r = await requestManual(deps(store, pub), { kind: 'line', lineId: 'L2' }, 'rectifier maintenance', op, T0);
    expect(r.changed).toBe(true);
    expect((await manualOverridesFor(store, 'L2-C017')).map((o) => o.scopeKey)).toEqual(['line:L2']);
    expect((await manualOverridesFor(store, 'L2-LINE')).map((o) => o.scopeKey)).toEqual(['line:L2']);
    expect(await manualOverridesFor(store, 'L1-C017')).toEqual([]);
    const event = parsePlantEvent(pub.published[0]);
    expect(event).toMatchObject({ type: 'smelter.override.changed', subject: 'line:L2', correlationid: 'req-1' });
    expect(OverrideChangedData.parse(event.data)).toMatchObject({ mode: 'manual', version: 1, changedBy: 'op-7' });
  });

  it('asking for manual twice writes nothing the second time and re-publishes the same event id (repairs a lost publish)', async () => {
    const store = new MemoryOverrideStore();
    const pub = new RecordingEventPublisher();
    await requestManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
    const again = await requestManual(
      deps(store, pub),
      { kind: 'cell', cellId: 'L1-C001' },
      'anode change',
      op,
      T0 + 1,
    );
    expect(again.changed).toBe(false);
    expect(again.override.version).toBe(1);
    expect(pub.published.map((e) => e.id)).toEqual([pub.published[0]!.id, pub.published[0]!.id]);
  });

  it('release is explicit: it needs a scope in manual, bumps the version and names who released', async () => {
    const store = new MemoryOverrideStore();
    const pub = new RecordingEventPublisher();
    await expect(
      releaseManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'done', mgr, T0),
    ).rejects.toBeInstanceOf(OverrideConflictError);
    await requestManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
    const r = await releaseManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'done', mgr, T0 + 60_000);
    expect(r.override).toMatchObject({ mode: 'released', version: 2, releasedBy: 'mgr-1', requestedBy: 'op-7' });
    expect(await manualOverridesFor(store, 'L1-C001')).toEqual([]);
    expect(pub.published.map((e) => e.id)).toHaveLength(2);
    expect(new Set(pub.published.map((e) => e.id)).size).toBe(2);
  });

  it('keeps the override enforced when publishing fails, says so with a code, and a repeat publishes it', async () => {
    const store = new MemoryOverrideStore();
    const down = {
      publish: async () => {
        throw new Error('topic unreachable');
      },
      close: async () => {},
    };
    await expect(
      requestManual(deps(store, down), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0),
    ).rejects.toMatchObject({ code: 'ERR-SCADA-OVERRIDE-UNPUBLISHED' });
    expect((await manualOverridesFor(store, 'L1-C001')).length).toBe(1);
    const pub = new RecordingEventPublisher();
    const repeat = await requestManual(
      deps(store, pub),
      { kind: 'cell', cellId: 'L1-C001' },
      'anode change',
      op,
      T0 + 1,
    );
    expect(pub.published).toEqual([repeat.event]);
  });

  it('records every change in the audit trail once (who, what, when, correlation id), a repeat or a refused release none', async () => {
    const store = new MemoryOverrideStore();
    const audit = new MemoryAuditLog();
    const down = {
      publish: async () => {
        throw new Error('topic unreachable');
      },
      close: async () => {},
    };
    // The publish fails after the write: the change happened, so it is on record.
    await expect(
      requestManual(deps(store, down, audit), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0),
    ).rejects.toMatchObject({ code: 'ERR-SCADA-OVERRIDE-UNPUBLISHED' });
    await requestManual(
      deps(store, new RecordingEventPublisher(), audit),
      { kind: 'cell', cellId: 'L1-C001' },
      'anode change',
      op,
      T0 + 1,
    );
    await releaseManual(
      deps(store, new RecordingEventPublisher(), audit),
      { kind: 'cell', cellId: 'L1-C001' },
      'done',
      mgr,
      T0 + 2,
    );
    await expect(
      releaseManual(
        deps(store, new RecordingEventPublisher(), audit),
        { kind: 'cell', cellId: 'L1-C001' },
        'done',
        mgr,
        T0 + 3,
      ),
    ).rejects.toBeInstanceOf(OverrideConflictError);
    expect(audit.entries).toEqual([
      {
        action: 'override.requested',
        resource: 'overrides/cell:L1-C001',
        actor: op,
        atMs: T0,
        detail: { scope: { kind: 'cell', cellId: 'L1-C001' }, mode: 'manual', reason: 'anode change', version: 1 },
      },
      {
        action: 'override.released',
        resource: 'overrides/cell:L1-C001',
        actor: mgr,
        atMs: T0 + 2,
        detail: { scope: { kind: 'cell', cellId: 'L1-C001' }, mode: 'released', reason: 'done', version: 2 },
      },
    ]);
  });
});
