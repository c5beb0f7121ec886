import { z } from 'zod';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { MemoryOutbox, type QueuedEvent } from '../messaging/outbox.js';
import { OptimizationRunResult } from './schemas.js';

/** The Cosmos `optimization-runs` document (partition key /runId, id = runId): one per run, written when it ends. */
export const OptimizationRunDoc = OptimizationRunResult.extend({
  id: z.string(),
  kind: z.literal('optimization-run'),
  correlationId: z.string(),
});
export type OptimizationRunDoc = z.infer<typeof OptimizationRunDoc>;

/** Storage port for finished runs; an upsert by run id, so recording a run twice leaves one document. */
export interface RunStore {
  put(doc: OptimizationRunDoc): Promise<void>;
  get(runId: string): Promise<OptimizationRunDoc | undefined>;
  /**
   * Queues events about a running run in its outbox (the run's partition), for a change whose own store is the run's
   * Durable history, which cannot share a write with them (an approval decision); answers the run's pending events,
   * oldest first, for the caller to publish.
   */
  queueEvents(runId: string, events: readonly PlantEvent[]): Promise<readonly QueuedEvent[]>;
}

/** Runs in memory, for tests and one-process tools. */
export class MemoryRunStore implements RunStore {
  readonly docs = new Map<string, OptimizationRunDoc>();
  writes = 0;

  constructor(readonly outbox = new MemoryOutbox('optimization-runs')) {}

  async queueEvents(runId: string, events: readonly PlantEvent[]): Promise<readonly QueuedEvent[]> {
    return this.outbox.queue(runId, events);
  }

  async put(doc: OptimizationRunDoc): Promise<void> {
    this.writes++;
    this.docs.set(doc.runId, structuredClone(OptimizationRunDoc.parse(doc)));
  }

  async get(runId: string): Promise<OptimizationRunDoc | undefined> {
    const d = this.docs.get(runId);
    return d && structuredClone(d);
  }
}
