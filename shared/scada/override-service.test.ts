import { describe, expect, it } from 'vitest';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { parsePlantEvent } from '../messaging/cloud-event.js';
import { OverrideChangedData } from './events.js';
import { manualOverridesFor, MemoryOverrideStore, OverrideConflictError } from './override.js';
import { releaseManual, requestManual } from './override-service.js';

const T0 = Date.UTC(2025, 0, 1);
const op = { subject: 'op-7', correlationId: 'req-1' };
const mgr = { subject: 'mgr-1', correlationId: 'req-2' };

describe('manual override', () => {
  it('puts a line in manual at once, covering its cells and its rectifier, and publishes smelter.override.changed', async () => {
    const store = new MemoryOverrideStore();
    const pub = new RecordingEventPublisher();
    const r = await requestManual(store, pub, { kind: 'line', lineId: 'L2' }, 'rectifier maintenance', op, T0);
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
    await requestManual(store, pub, { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
    const again = await requestManual(store, pub, { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0 + 1);
    expect(again.changed).toBe(false);
    expect(again.override.version).toBe(1);
    expect(pub.published.map((e) => e.id)).toEqual([pub.published[0]!.id, pub.published[0]!.id]);
  });

  it('release is explicit: it needs a scope in manual, bumps the version and names who released', async () => {
    const store = new MemoryOverrideStore();
    const pub = new RecordingEventPublisher();
    await expect(releaseManual(store, pub, { kind: 'cell', cellId: 'L1-C001' }, 'done', mgr, T0)).rejects.toBeInstanceOf(OverrideConflictError);
    await requestManual(store, pub, { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0);
    const r = await releaseManual(store, pub, { kind: 'cell', cellId: 'L1-C001' }, 'done', mgr, T0 + 60_000);
    expect(r.override).toMatchObject({ mode: 'released', version: 2, releasedBy: 'mgr-1', requestedBy: 'op-7' });
    expect(await manualOverridesFor(store, 'L1-C001')).toEqual([]);
    expect(pub.published.map((e) => e.id)).toHaveLength(2);
    expect(new Set(pub.published.map((e) => e.id)).size).toBe(2);
  });

  it('keeps the override enforced when publishing fails, says so with a code, and a repeat publishes it', async () => {
    const store = new MemoryOverrideStore();
    const down = { publish: async () => { throw new Error('topic unreachable'); }, close: async () => {} };
    await expect(requestManual(store, down, { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0)).rejects.toMatchObject({ code: 'ERR-SCADA-OVERRIDE-UNPUBLISHED' });
    expect((await manualOverridesFor(store, 'L1-C001')).length).toBe(1);
    const pub = new RecordingEventPublisher();
    const repeat = await requestManual(store, pub, { kind: 'cell', cellId: 'L1-C001' }, 'anode change', op, T0 + 1);
    expect(pub.published).toEqual([repeat.event]);
  });
});
