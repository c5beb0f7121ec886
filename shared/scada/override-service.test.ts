import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import { RecordingEventPublisher, type EventPublisher } from '../messaging/event-publisher.js';
import { parsePlantEvent, type PlantEvent } from '../messaging/cloud-event.js';
import { sweepOutbox } from '../messaging/outbox.js';
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

  it('asking for manual twice writes nothing and publishes nothing the second time', async () => {
    const store = new MemoryOverrideStore();
    const pub = new RecordingEventPublisher();
    const first = await requestManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
    const again = await requestManual(
      deps(store, pub),
      { kind: 'cell', cellId: 'L1-C001' },
      'anode change',
      op,
      T0 + 1,
    );
    expect(again.changed).toBe(false);
    expect(again.override.version).toBe(1);
    expect(again.event.id).toBe(first.event.id);
    expect(pub.published.map((e) => e.id)).toEqual([first.event.id]);
    expect(store.outbox.events).toEqual([]);
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

  it('answers the change while the topic is down: the override is enforced, its event waits in the outbox, and the sweep publishes it once', async () => {
    const store = new MemoryOverrideStore();
    const down = new SwitchablePublisher();
    down.down = true;
    const warnings: string[] = [];
    const r = await requestManual(
      { ...deps(store, down), warn: (m) => warnings.push(m) },
      { kind: 'cell', cellId: 'L1-C001' },
      'anode change',
      op,
      T0,
    );
    expect(r).toMatchObject({ changed: true, override: { mode: 'manual', version: 1 } });
    expect((await manualOverridesFor(store, 'L1-C001')).length).toBe(1);
    expect(down.published).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`smelter.override.changed ${r.event.id}`)]);
    expect(store.outbox.events.map((e) => e.id)).toEqual([r.event.id]);
    down.down = false;
    expect(await sweepOutbox(down, [store.outbox])).toMatchObject({ published: 1 });
    expect(await sweepOutbox(down, [store.outbox])).toMatchObject({ published: 0 });
    expect(down.published.map((e) => e.id)).toEqual([r.event.id]);
  });

  it('publishes a release after the request an outage held back, in order, when the topic is back', async () => {
    const store = new MemoryOverrideStore();
    const pub = new SwitchablePublisher();
    pub.down = true;
    const request = await requestManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
    pub.down = false;
    const release = await releaseManual(deps(store, pub), { kind: 'cell', cellId: 'L1-C001' }, 'done', mgr, T0 + 1);
    expect(pub.published.map((e) => e.id)).toEqual([request.event.id, release.event.id]);
    expect(store.outbox.events).toEqual([]);
  });

  it('records every change in the audit trail once (who, what, when, correlation id), a repeat or a refused release none', async () => {
    const store = new MemoryOverrideStore();
    const audit = new MemoryAuditLog();
    const down = new SwitchablePublisher();
    down.down = true;
    // The publish fails after the write: the change happened, so it is on record.
    await requestManual(deps(store, down, audit), { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
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

/** A publisher that refuses while `down` (a topic outage) and keeps what it accepted. */
class SwitchablePublisher implements EventPublisher {
  down = false;
  readonly published: PlantEvent[] = [];
  async publish(events: readonly PlantEvent[]): Promise<void> {
    if (this.down) throw new Error('topic unreachable');
    this.published.push(...events);
  }
  async close(): Promise<void> {}
}
