/**
 * An approval's ledger event goes through the outbox like every other write's: queued once the decision reached the
 * run, published right after, and left to the outbox sweep when the topic refuses it; the answer does not change.
 */
import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { sweepOutbox } from '../messaging/outbox.js';
import { APPROVAL_EVENT, Orchestration } from '../orchestration/names.js';
import { MemoryRunClient } from '../orchestration/run-client.js';
import { MemoryRunStore } from '../orchestration/run-store.js';
import { ApiError } from '../http/errors.js';
import { decideOptimization, type DecisionDeps } from './optimizations.js';

const RUN_ID = 'opt-L1-20250101T0600-advisory';
const caller = { subject: 'erin', clientId: 'console', correlationId: 'req-1' };
const decidedAtMs = Date.UTC(2025, 0, 1, 6, 30);

/** A topic that refuses every publish while `down` and keeps what it accepted, once per message id. */
class Topic implements EventPublisher {
  down = false;
  readonly sent: string[] = [];
  readonly published: PlantEvent[] = [];
  async publish(events: readonly PlantEvent[]): Promise<void> {
    if (this.down) throw new Error('topic unavailable');
    for (const e of events) {
      this.sent.push(e.id);
      if (!this.published.some((p) => p.id === e.id)) this.published.push(e);
    }
  }
  async close(): Promise<void> {}
}

/** A run client holding one advisory run that waits for its approval. */
function waitingRun(): MemoryRunClient {
  const client = new MemoryRunClient();
  client.instances.set(RUN_ID, {
    instanceId: RUN_ID,
    name: Orchestration.optimizationRun,
    runtimeStatus: 'Running',
    input: {
      lineId: 'L1',
      mode: 'advisory',
      userConstraints: [],
      approvalTimeoutMinutes: 60,
      requestedBy: 'erin',
      trigger: 'api',
      correlationId: 'req-0',
      modelVersion: 'test',
      plantVersion: 'sha256:test',
    },
    customStatus: { step: 'awaiting-approval', done: 0, total: 1 },
    output: null,
    createdTime: new Date(0).toISOString(),
    lastUpdatedTime: new Date(0).toISOString(),
  });
  return client;
}

function world(): {
  deps: DecisionDeps;
  topic: Topic;
  runs: MemoryRunStore;
  client: MemoryRunClient;
  warned: string[];
} {
  const topic = new Topic();
  const runs = new MemoryRunStore();
  const client = waitingRun();
  const warned: string[] = [];
  const deps: DecisionDeps = {
    client,
    audit: new MemoryAuditLog(),
    runs,
    publisher: topic,
    warn: (m) => warned.push(m),
    nowMs: () => decidedAtMs,
  };
  return { deps, topic, runs, client, warned };
}

const body = { decision: 'approve' as const, reason: 'proposal checked' };

describe('an approval decision and its ledger event', () => {
  it('is published at once when the topic is up, and nothing stays queued', async () => {
    const { deps, topic, runs } = world();
    await decideOptimization(deps, RUN_ID, body, caller);
    expect(topic.published.map((e) => [e.type, e.subject])).toEqual([['smelter.optimization.approved', RUN_ID]]);
    expect(runs.outbox.events).toEqual([]);
  });

  it('answers the same while the topic is down; the event waits in the outbox and the sweep publishes it once', async () => {
    const { deps, topic, runs, client, warned } = world();
    topic.down = true;
    const accepted = await decideOptimization(deps, RUN_ID, body, caller);
    expect(accepted).toMatchObject({ runId: RUN_ID, decision: 'approve', decidedBy: 'erin' });
    expect(client.raised).toEqual([
      { instanceId: RUN_ID, eventName: APPROVAL_EVENT, data: expect.objectContaining({ decision: 'approve' }) },
    ]);
    expect(topic.sent).toEqual([]);
    expect(runs.outbox.events.map((e) => e.type)).toEqual(['smelter.optimization.approved']);
    const eventId = runs.outbox.events[0]!.id;
    expect(warned).toEqual([expect.stringContaining(`smelter.optimization.approved ${eventId}`)]);
    expect((deps.audit as MemoryAuditLog).entries).toMatchObject([
      { action: 'optimization.approved', detail: { ledgerEventId: eventId } },
    ]);

    topic.down = false;
    expect(await sweepOutbox(topic, [runs.outbox])).toMatchObject({ published: 1, notRemoved: 0 });
    expect(await sweepOutbox(topic, [runs.outbox])).toMatchObject({ published: 0 });
    expect(topic.sent).toEqual([eventId]);
    expect(topic.published[0]!.data).toMatchObject({ runId: RUN_ID, lineId: 'L1', decision: 'approve', actor: 'erin' });
  });

  it('queues nothing when the decision did not reach the run', async () => {
    const { deps, runs, client } = world();
    client.raiseEvent = async () => {
      throw new Error('task hub unreachable');
    };
    await expect(decideOptimization(deps, RUN_ID, body, caller)).rejects.toThrow('task hub unreachable');
    expect(runs.outbox.events).toEqual([]);
    expect((deps.audit as MemoryAuditLog).entries).toEqual([]);
  });

  it('answers 503 naming the event when it cannot be queued after the decision reached the run', async () => {
    const { deps, client } = world();
    deps.runs = {
      queueEvents: async () => {
        throw new Error('Cosmos unreachable');
      },
    };
    const err = await decideOptimization(deps, RUN_ID, body, caller).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 503,
      code: 'ERR-5031',
      message: expect.stringContaining(`The decision reached run ${RUN_ID}`),
    });
    expect(client.raised).toHaveLength(1);
  });
});
