import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudEvent, toServiceBusMessage } from '../../../shared/messaging/cloud-event.js';
import {
  matchesSubscription,
  PLANT_EVENT_SUBSCRIPTIONS,
  PLANT_EVENTS_TOPIC,
  PlantEventType,
} from '../../../shared/messaging/subscriptions.js';
import { DevhostEvents } from '../events.js';
import { MAX_DELIVERY_REASON, TTL_EXPIRED_REASON } from './local-topic.js';
import { LocalServiceBusNamespace } from './namespace.js';
import { ManualClock } from '../timer/clock.js';

let dir: string;
let open: LocalServiceBusNamespace[] = [];
const namespace = (env: NodeJS.ProcessEnv = {}, clock?: ManualClock) => {
  const ns = new LocalServiceBusNamespace({ dir, events: new DevhostEvents(), env, ...(clock ? { clock } : {}) });
  open.push(ns);
  return ns;
};
const event = (type: string, key: string) => {
  const m = toServiceBusMessage(
    cloudEvent(type, 'L1-C001', { key }, { id: key, source: '/test', time: '2024-05-01T00:00:00Z' }),
  );
  return { ...m, body: JSON.stringify(m.body) };
};

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sb-topic-'));
});
afterEach(() => {
  open.forEach((ns) => ns.close());
  open = [];
  rmSync(dir, { recursive: true, force: true });
});

describe('plant-events filters', () => {
  it('route each CloudEvent type to exactly the subscriptions the shared definition names', () => {
    const topic = namespace().topic(PLANT_EVENTS_TOPIC);
    expect(topic.subscriptionNames).toEqual(PLANT_EVENT_SUBSCRIPTIONS.map((s) => s.name));
    const types = [
      ...Object.values(PlantEventType),
      'smelter.setpoint.anything-new',
      'smelter.command.acknowledged',
      'smelter.unknown.thing',
    ];
    for (const type of types) {
      const [receipt] = topic.send([event(type, `k-${type}`)]);
      const expected = PLANT_EVENT_SUBSCRIPTIONS.filter((s) => matchesSubscription(s, type)).map((s) => s.name);
      expect(receipt!.subscriptions, type).toEqual(expected);
    }
    expect(topic.send([{ body: '{"type":"smelter.setpoint.recommended"}' }])[0]!.subscriptions).toEqual([]);
  });
});

describe('peek-lock delivery', () => {
  it('redelivers an abandoned message with delivery count +1 and dead-letters it after maxDeliveryCount with the last error', () => {
    const topic = namespace().topic(PLANT_EVENTS_TOPIC);
    const max = topic.subscription('alerts').maxDeliveryCount;
    const [sent] = topic.send([event(PlantEventType.anomalyDetected, 'a-1')]);
    for (let n = 1; n <= max; n++) {
      const d = topic.receive('alerts')!;
      expect(d.deliveryCount).toBe(n);
      expect(topic.receive('alerts')).toBeUndefined();
      const settled = topic.abandon(d, `boom ${n}`);
      expect(settled.outcome).toBe(n < max ? 'abandoned' : 'deadLettered');
    }
    expect(topic.receive('alerts')).toBeUndefined();
    const [dead] = topic.deadLetters('alerts');
    expect(dead).toMatchObject({
      messageId: sent!.messageId,
      deliveryCount: max,
      deadLetterReason: MAX_DELIVERY_REASON,
    });
    expect(dead!.deadLetterErrorDescription).toContain(`boom ${max}`);

    expect(topic.replay('alerts')).toEqual([sent!.messageId]);
    const again = topic.receive('alerts')!;
    expect(again.deliveryCount).toBe(1);
    expect(topic.complete(again).outcome).toBe('completed');
    expect(topic.stats().find((s) => s.subscription === 'alerts')).toMatchObject({ active: 0, deadLettered: 0 });
  });

  it('drops a second message with the same id inside the duplicate-detection window', () => {
    const topic = namespace().topic(PLANT_EVENTS_TOPIC);
    const m = event(PlantEventType.optimizationCompleted, 'run-7');
    expect(topic.send([m])[0]!.duplicate).toBe(false);
    expect(topic.send([m])[0]).toMatchObject({ duplicate: true, subscriptions: [] });
    expect(topic.stats().find((s) => s.subscription === 'ledger')!.active).toBe(1);
  });

  it('dead-letters a message that outlived its time to live instead of delivering it', () => {
    let nowMs = Date.parse('2024-05-01T00:00:00Z');
    const ns = new LocalServiceBusNamespace({ dir, events: new DevhostEvents(), env: {}, now: () => nowMs });
    open.push(ns);
    const topic = ns.topic(PLANT_EVENTS_TOPIC);
    const [stale] = topic.send([event(PlantEventType.setpointRecommended, 's-stale')]);
    nowMs += topic.subscription('scada').timeToLiveMs;
    expect(topic.receive('scada')).toBeUndefined();
    expect(topic.deadLetters('scada')).toMatchObject([
      { messageId: stale!.messageId, deadLetterReason: TTL_EXPIRED_REASON, deliveryCount: 0 },
    ]);
    // The ledger keeps the same event for 14 days, so it is still delivered there.
    expect(topic.receive('ledger')?.message.messageId).toBe(stale!.messageId);
  });

  it('keeps a duplicate out only inside the window', () => {
    let nowMs = 0;
    const ns = new LocalServiceBusNamespace({
      dir,
      events: new DevhostEvents(),
      env: {},
      now: () => nowMs,
      duplicateWindowMs: 1000,
    });
    open.push(ns);
    const topic = ns.topic(PLANT_EVENTS_TOPIC);
    const m = event(PlantEventType.modelChanged, 'm-1');
    topic.send([m]);
    nowMs = 999;
    expect(topic.send([m])[0]!.duplicate).toBe(true);
    nowMs = 1000;
    expect(topic.send([m])[0]!.duplicate).toBe(false);
  });
});

describe('persistence', () => {
  it('keeps messages, delivery counts, dead letters and duplicate history across a reopen; a lock held by the old process runs out', () => {
    // A manual clock: the locks hold while the first process works, and run out only when time is moved on.
    const clock = new ManualClock(Date.UTC(2024, 4, 1));
    const first = namespace({ DEVHOST_SERVICEBUS_LOCK_DURATION: 'PT1M' }, clock);
    const topic = first.topic(PLANT_EVENTS_TOPIC);
    const [held] = topic.send([event(PlantEventType.setpointRecommended, 's-1')]);
    const [dead] = topic.send([event(PlantEventType.anomalyDetected, 'a-2')]);
    topic.receive('scada');
    for (let i = 0; i < topic.subscription('alerts').maxDeliveryCount; i++)
      topic.abandon(topic.receive('alerts')!, 'always fails');
    first.close();
    open = [];

    clock.advanceBy(61_000);
    const reopened = namespace({ DEVHOST_SERVICEBUS_LOCK_DURATION: 'PT1M' }, clock).topic(PLANT_EVENTS_TOPIC);
    const redelivered = reopened.receive('scada')!;
    expect(redelivered.message.messageId).toBe(held!.messageId);
    expect(redelivered.deliveryCount).toBe(2);
    expect(reopened.deadLetters('alerts').map((d) => d.messageId)).toEqual([dead!.messageId]);
    expect(reopened.send([event(PlantEventType.setpointRecommended, 's-1')])[0]!.duplicate).toBe(true);
    const [fresh] = reopened.send([event(PlantEventType.setpointRecommended, 's-2')]);
    expect(fresh!.sequenceNumber).toBeGreaterThan(redelivered.message.sequenceNumber);
  });
});
