/**
 * Test support: the behaviour every AlertStore must show under the life-cycle of alert-records.ts, run against the
 * memory store (alert-records.test.ts) and the Cosmos store on the local server (shared/azure/cosmos-alert-stores.test.ts).
 */
import { expect, it } from 'vitest';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { sweepOutbox, type OutboxSource } from '../messaging/outbox.js';
import { AlertChangedData } from './alert-events.js';
import { AlertRecords } from './alert-records.js';
import type { RaiseRequest } from './alert.js';
import type { AlertStore } from './store.js';

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);

/** A raise of rule `rule` on `cellId` at T0 + `s` seconds. */
export const ruleRaise = (s: number, cellId = 'L1-C001', rule = 'bath-hot'): RaiseRequest => ({
  conditionKey: rule,
  scopeKey: cellId,
  ruleId: rule,
  title: `Bath hot on ${cellId}`,
  severity: 'warning',
  channels: ['teams-ops'],
  atMs: T0 + s * 1000,
  lineId: cellId.split('-')[0]!,
  cellId,
  tag: 'bathTemp',
  value: 980 + s,
});

/** A publisher that refuses while `down` is true (a Service Bus outage). */
export class FlakyPublisher implements EventPublisher {
  down = false;
  readonly published: PlantEvent[] = [];
  async publish(events: readonly PlantEvent[]): Promise<void> {
    if (this.down) throw new Error('ERR-TEST: topic unreachable');
    this.published.push(...events);
  }
  async close(): Promise<void> {}
}

/** A publisher that refuses its first publish, then takes everything (the process died before publishing). */
export class ThrowOncePublisher implements EventPublisher {
  private thrown = false;
  readonly published: PlantEvent[] = [];
  async publish(events: readonly PlantEvent[]): Promise<void> {
    if (!this.thrown) {
      this.thrown = true;
      throw new Error('ERR-TEST: killed between the write and the publish');
    }
    this.published.push(...events);
  }
  async close(): Promise<void> {}
}

/** Registers the contract's tests; `fresh()` gives an empty store (with the outbox it queues into) each time. */
export function alertStoreContract(fresh: () => Promise<AlertStore & { outbox: OutboxSource }>): void {
  it('raises generation 1, counts a repeat on the open alert, and publishes only the raise with the fact_alert columns', async () => {
    const publisher = new RecordingEventPublisher();
    const store = await fresh();
    const records = new AlertRecords({ store, publisher });
    const first = await records.raise(ruleRaise(0));
    expect(first.transition?.action).toBe('raised');
    expect(first.alert).toMatchObject({ generation: 1, state: 'active', occurrences: 1 });
    const again = await records.raise(ruleRaise(30));
    expect(again.transition?.action).toBe('repeated');
    expect(again.alert).toMatchObject({ id: first.alert.id, occurrences: 2, lastValue: 1010 });
    expect(publisher.published.map((e) => e.type)).toEqual(['smelter.alert.raised']);
    const data = AlertChangedData.parse(publisher.published[0]!.data);
    expect(data).toMatchObject({
      alertId: first.alert.id,
      lineId: 'L1',
      cellId: 'L1-C001',
      raisedMs: T0,
      rule: 'bath-hot',
      severity: 'warning',
      acknowledgedMs: null,
      escalationLevel: 0,
      dateKey: 20250301,
    });
    expect(await store.outbox.pending(10)).toEqual([]);
  });

  it('keeps one open alert per condition and scope when many raises race, and a new generation after a clear', async () => {
    const publisher = new RecordingEventPublisher();
    const store = await fresh();
    // Two instances on one store.
    const a = new AlertRecords({ store, publisher });
    const b = new AlertRecords({ store, publisher });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).raise(ruleRaise(i))));
    const open = await store.open();
    expect(open).toHaveLength(1);
    expect(open[0]!.occurrences).toBe(8);
    expect(results.filter((r) => r.transition?.action === 'raised')).toHaveLength(1);
    expect(publisher.published.filter((e) => e.type === 'smelter.alert.raised')).toHaveLength(1);

    await a.clear(open[0]!.id, T0 + 60_000, undefined, 'condition cleared');
    const next = await b.raise(ruleRaise(120));
    expect(next.transition?.action).toBe('raised');
    expect(next.alert.generation).toBe(2);
    expect(next.alert.id).not.toBe(open[0]!.id);
    expect((await store.open()).map((x) => x.id)).toEqual([next.alert.id]);
  });

  it('recognises a redelivered raise: the same source event, or the same raise time after the alert cleared', async () => {
    const records = new AlertRecords({ store: await fresh() });
    const event = { ...ruleRaise(0, 'L2-C007', 'smelter.command.failed'), sourceId: 'evt-1' };
    const raised = await records.raise(event);
    expect(await records.raise(event)).toEqual({ alert: raised.alert });
    await records.clear(raised.alert.id, T0 + 5000, 'eng-1');
    const replay = await records.raise(event);
    expect(replay.transition).toBeUndefined();
    expect(replay.alert).toMatchObject({ id: raised.alert.id, state: 'cleared' });
    const telemetryReplay = await records.raise(ruleRaise(0, 'L2-C007', 'smelter.command.failed'));
    expect(telemetryReplay.transition).toBeUndefined();
    expect(await records.store.open()).toEqual([]);
  });

  it('never loses an acknowledgement to a racing escalation, and refuses to acknowledge a cleared alert', async () => {
    const publisher = new RecordingEventPublisher();
    const records = new AlertRecords({ store: await fresh(), publisher });
    const { alert } = await records.raise(ruleRaise(0));
    const [ack, esc] = await Promise.all([
      records.acknowledge(alert.id, 'op-7', T0 + 900_000),
      records.escalate(alert.id, T0 + 900_000, ['sms-lead'], 'critical'),
    ]);
    const stored = (await records.store.get(alert.id))!.alert;
    expect(stored).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'op-7' });
    // Either the escalation came first (then it is recorded too) or it found the alert acknowledged and did nothing.
    expect(Boolean(esc.transition)).toBe(stored.escalatedAt !== undefined);
    expect(ack.transition?.action).toBe('acknowledged');
    expect(publisher.published.map((e) => e.type).sort()).toEqual(
      [
        'smelter.alert.acknowledged',
        'smelter.alert.raised',
        ...(esc.transition ? ['smelter.alert.escalated'] : []),
      ].sort(),
    );
    expect((await records.acknowledge(alert.id, 'op-8', T0 + 901_000)).transition).toBeUndefined();
    await records.clear(alert.id, T0 + 902_000, 'op-7', 'fixed');
    await expect(records.acknowledge(alert.id, 'op-9', T0 + 903_000)).rejects.toThrow(/ERR-ALERT-STATE/);
    await expect(records.acknowledge('al-unknown', 'op-9', T0)).rejects.toThrow(/ERR-ALERT-NOT-FOUND/);
  });

  it("keeps a change in the outbox while the topic is down; the alert's next change publishes it first, in order", async () => {
    const publisher = new FlakyPublisher();
    const failures: string[] = [];
    const store = await fresh();
    const records = new AlertRecords({ store, publisher, onPublishError: (id) => failures.push(id) });
    publisher.down = true;
    const { alert } = await records.raise(ruleRaise(0, 'L3-C001'));
    expect(failures).toEqual([alert.id]);
    expect((await store.outbox.pending(10)).map((q) => q.event.type)).toEqual(['smelter.alert.raised']);
    publisher.down = false;
    await records.acknowledge(alert.id, 'op-1', T0 + 10_000);
    expect(publisher.published.map((e) => e.type)).toEqual(['smelter.alert.raised', 'smelter.alert.acknowledged']);
    expect(await store.outbox.pending(10)).toEqual([]);
    expect(await sweepOutbox(publisher, [store.outbox])).toMatchObject({ published: 0 });
    const acked = AlertChangedData.parse(publisher.published[1]!.data);
    expect(acked).toMatchObject({
      action: 'acknowledged',
      by: 'op-1',
      acknowledgedMs: T0 + 10_000,
      state: 'acknowledged',
    });
  });

  it('loses nothing when publishing fails right after the write: the outbox sweep publishes the change once', async () => {
    const publisher = new ThrowOncePublisher();
    const store = await fresh();
    const records = new AlertRecords({ store, publisher });
    const { alert } = await records.raise(ruleRaise(0, 'L3-C002'));
    expect(publisher.published).toEqual([]);
    expect(await sweepOutbox(publisher, [store.outbox])).toMatchObject({ published: 1, notRemoved: 0 });
    expect(await sweepOutbox(publisher, [store.outbox])).toMatchObject({ published: 0 });
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]).toMatchObject({ type: 'smelter.alert.raised', subject: 'L3-C002' });
    expect(AlertChangedData.parse(publisher.published[0]!.data)).toMatchObject({ alertId: alert.id, action: 'raised' });
  });

  it('lists alerts newest raise first, filtered by state, line and cell, a page at a time', async () => {
    const records = new AlertRecords({ store: await fresh() });
    for (let i = 0; i < 5; i++) await records.raise(ruleRaise(i, `L1-C00${i + 1}`));
    await records.raise(ruleRaise(10, 'L2-C001'));
    const cleared = (await records.raise(ruleRaise(20, 'L2-C002'))).alert;
    await records.clear(cleared.id, T0 + 30_000);
    const store = records.store;
    const all: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.list({}, 3, after);
      all.push(...page.items.map((a) => a.scopeKey));
      if (!page.more) break;
      const last = page.items.at(-1)!;
      after = `${String(Date.parse(last.raisedAt)).padStart(15, '0')}:${last.id}`;
    }
    expect(all).toEqual(['L2-C002', 'L2-C001', 'L1-C005', 'L1-C004', 'L1-C003', 'L1-C002', 'L1-C001']);
    expect((await store.list({ lineId: 'L2' }, 10)).items.map((a) => a.scopeKey)).toEqual(['L2-C002', 'L2-C001']);
    expect((await store.list({ state: 'cleared' }, 10)).items.map((a) => a.scopeKey)).toEqual(['L2-C002']);
    expect((await store.list({ cellId: 'L1-C003', state: 'active' }, 10)).items.map((a) => a.scopeKey)).toEqual([
      'L1-C003',
    ]);
  });
}
