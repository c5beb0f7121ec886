import { describe, expect, it } from 'vitest';
import { cloudEvent, type PlantEvent } from './cloud-event.js';
import type { EventPublisher } from './event-publisher.js';
import { MemoryOutbox, publishQueued, sweepOutbox, type OutboxSource, type QueuedEvent } from './outbox.js';

const event = (subject: string, key: string): PlantEvent =>
  cloudEvent('smelter.model.changed', subject, { key }, { id: key, source: '/test', time: '2025-01-01T00:00:00Z' });

/** A topic that refuses while `down`, refuses the next `refuse` publishes, and keeps what it accepted in order. */
class Topic implements EventPublisher {
  down = false;
  refuse = 0;
  calls = 0;
  readonly published: PlantEvent[] = [];
  async publish(events: readonly PlantEvent[]): Promise<void> {
    this.calls++;
    if (this.down || this.refuse-- > 0) throw new Error('topic unreachable');
    this.published.push(...events);
  }
  async close(): Promise<void> {}
}

const ids = (events: readonly PlantEvent[]) => events.map((e) => e.subject + ':' + (e.data as { key: string }).key);

describe('publishing what a write queued', () => {
  it('publishes the events and takes them out of the outbox', async () => {
    const outbox = new MemoryOutbox();
    const topic = new Topic();
    const pending = outbox.queue('m1', [event('m1', 'created')]);
    expect(await publishQueued(topic, pending)).toEqual({ published: true });
    expect(ids(topic.published)).toEqual(['m1:created']);
    expect(outbox.events).toEqual([]);
  });

  it('never throws when the topic refuses: it warns, naming the event, and leaves it queued', async () => {
    const outbox = new MemoryOutbox();
    const topic = new Topic();
    topic.down = true;
    const warnings: string[] = [];
    const pending = outbox.queue('m1', [event('m1', 'created')]);
    const outcome = await publishQueued(topic, pending, (m) => warnings.push(m));
    expect(outcome).toMatchObject({ published: false, error: expect.any(Error) });
    expect(warnings).toEqual([
      `event smelter.model.changed ${pending[0]!.event.id} was stored with the change and queued in the outbox; the topic refused it (topic unreachable), the outbox sweep publishes it`,
    ]);
    expect(outbox.events).toEqual([pending[0]!.event]);
  });

  it('answers the partition’s older events first, so a change never overtakes one an outage held back', async () => {
    const outbox = new MemoryOutbox();
    const topic = new Topic();
    topic.down = true;
    await publishQueued(topic, outbox.queue('m1', [event('m1', 'created')]));
    await publishQueued(topic, outbox.queue('m2', [event('m2', 'created')]));
    topic.down = false;
    const pending = outbox.queue('m1', [event('m1', 'replaced')]);
    expect(ids(pending.map((q) => q.event))).toEqual(['m1:created', 'm1:replaced']);
    await publishQueued(topic, pending);
    expect(ids(topic.published)).toEqual(['m1:created', 'm1:replaced']);
    expect(ids(outbox.events)).toEqual(['m2:created']);
  });

  it('reports a removal that failed after the topic took the event (the sweep sends it again under the same id)', async () => {
    const topic = new Topic();
    const warnings: string[] = [];
    const stuck: QueuedEvent = {
      event: event('m1', 'created'),
      queuedAtMs: 0,
      remove: async () => {
        throw new Error('store unreachable');
      },
    };
    expect(await publishQueued(topic, [stuck], (m) => warnings.push(m))).toEqual({ published: true });
    expect(warnings).toEqual([expect.stringContaining('published but not all taken out of the outbox')]);
  });
});

describe('the outbox sweep', () => {
  it('publishes what a topic outage left, oldest first across every outbox, exactly once', async () => {
    const models = new MemoryOutbox('models');
    const rules = new MemoryOutbox('rules');
    const topic = new Topic();
    topic.down = true;
    for (const [outbox, subject, key] of [
      [models, 'm1', 'created'],
      [rules, 'r1', 'created'],
      [models, 'm1', 'replaced'],
      [rules, 'r1', 'deleted'],
    ] as const)
      await publishQueued(topic, outbox.queue(subject, [event(subject, key)]));
    expect(topic.published).toEqual([]);
    topic.down = false;
    expect(await sweepOutbox(topic, [models, rules], { chunk: 3 })).toEqual({
      published: 4,
      notRemoved: 0,
      more: false,
      unreadable: [],
    });
    expect(ids(topic.published).filter((id) => id.startsWith('m1'))).toEqual(['m1:created', 'm1:replaced']);
    expect(ids(topic.published).filter((id) => id.startsWith('r1'))).toEqual(['r1:created', 'r1:deleted']);
    expect(await sweepOutbox(topic, [models, rules])).toMatchObject({ published: 0 });
    expect(topic.published).toHaveLength(4);
  });

  it('stops at the first event the topic refuses, so nothing overtakes it, and resumes there next time', async () => {
    const outbox = new MemoryOutbox();
    const topic = new Topic();
    topic.down = true;
    for (const key of ['a', 'b', 'c', 'd', 'e']) await publishQueued(topic, outbox.queue('m1', [event('m1', key)]));
    topic.down = false;
    topic.refuse = 1;
    const first = await sweepOutbox(topic, [outbox], { chunk: 2 });
    expect(first).toMatchObject({ published: 0, more: true, stoppedAt: { error: 'topic unreachable' } });
    expect(first.stoppedAt!.eventId).toBe(outbox.events[0]!.id);
    expect(await sweepOutbox(topic, [outbox], { chunk: 2 })).toMatchObject({ published: 5, more: false });
    expect(ids(topic.published)).toEqual(['m1:a', 'm1:b', 'm1:c', 'm1:d', 'm1:e']);
  });

  it('takes at most `limit` events a sweep and says more wait', async () => {
    const outbox = new MemoryOutbox();
    const topic = new Topic();
    topic.down = true;
    for (const key of ['a', 'b', 'c']) await publishQueued(topic, outbox.queue(key, [event(key, key)]));
    topic.down = false;
    expect(await sweepOutbox(topic, [outbox], { limit: 2 })).toMatchObject({ published: 2, more: true });
    expect(await sweepOutbox(topic, [outbox], { limit: 2 })).toMatchObject({ published: 1, more: false });
  });

  it('sweeps the outboxes it can read and names the one it cannot', async () => {
    const outbox = new MemoryOutbox('models');
    const topic = new Topic();
    topic.down = true;
    await publishQueued(topic, outbox.queue('m1', [event('m1', 'created')]));
    topic.down = false;
    const broken: OutboxSource = {
      name: 'alerts',
      pending: async () => {
        throw new Error('container unreachable');
      },
    };
    expect(await sweepOutbox(topic, [broken, outbox])).toMatchObject({
      published: 1,
      unreadable: [{ source: 'alerts', error: 'container unreachable' }],
    });
  });
});
