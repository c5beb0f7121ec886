import { z } from 'zod';
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
}

/** Runs in memory, for tests and one-process tools. */
export class MemoryRunStore implements RunStore {
  readonly docs = new Map<string, OptimizationRunDoc>();
  writes = 0;

  async put(doc: OptimizationRunDoc): Promise<void> {
    this.writes++;
    this.docs.set(doc.runId, structuredClone(OptimizationRunDoc.parse(doc)));
  }

  async get(runId: string): Promise<OptimizationRunDoc | undefined> {
    const d = this.docs.get(runId);
    return d && structuredClone(d);
  }
}
