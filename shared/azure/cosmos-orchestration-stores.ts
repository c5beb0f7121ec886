import type { Container, CosmosClient } from '@azure/cosmos';
import { z } from 'zod';
import { UserConstraint } from '../optimize/schema.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { EventsFor, QueuedEvent, Written } from '../messaging/outbox.js';
import {
  admits,
  type ConstraintsWrite,
  type LineConstraints,
  type LineConstraintStore,
} from '../orchestration/line-constraints.js';
import { OptimizationRunDoc, type RunStore } from '../orchestration/run-store.js';
import { CosmosOutbox, OutboxWriteError } from './cosmos-outbox.js';
import { httpEtag, openContainer, statusOf } from './open-container.js';

/** Containers and partition keys (as declared in shared/azure/containers.ts). */
export const OPTIMIZATION_RUNS_CONTAINER = 'optimization-runs';
export const LINE_CONSTRAINTS_CONTAINER = 'line-constraints';

/**
 * Finished optimisation runs in Cosmos container `optimization-runs` (partition key /runId, id = runId), and the
 * outbox of events about a run that are not written with its document (approval decisions).
 */
export class CosmosRunStore implements RunStore {
  private readonly outbox: CosmosOutbox;

  private constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, '/runId');
  }

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosRunStore> {
    return new CosmosRunStore(
      await openContainer(client, database, OPTIMIZATION_RUNS_CONTAINER, '/runId', opts.createIfMissing),
    );
  }

  async put(doc: OptimizationRunDoc): Promise<void> {
    await this.container.items.upsert(OptimizationRunDoc.parse(doc));
  }

  async get(runId: string): Promise<OptimizationRunDoc | undefined> {
    try {
      const { resource } = await this.container.item(runId, runId).read();
      return resource ? OptimizationRunDoc.parse(resource) : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async queueEvents(runId: string, events: readonly PlantEvent[]): Promise<readonly QueuedEvent[]> {
    const r = await this.outbox.write(runId, [], events);
    // Only new outbox documents are written, under fresh ids: no stale version or taken id can refuse them.
    if (!r.ok) throw new OutboxWriteError(OPTIMIZATION_RUNS_CONTAINER, r.status, 'the events were refused');
    return r.pending;
  }
}

const ConstraintsDoc = z.object({
  id: z.string(),
  lineId: z.string(),
  kind: z.literal('line-constraints'),
  constraints: z.array(UserConstraint),
  version: z.number().int(),
  updatedBy: z.string(),
  updatedAtMs: z.number(),
  correlationId: z.string(),
  _etag: z.string(),
});
type ConstraintsDoc = z.infer<typeof ConstraintsDoc>;

const toConstraints = (d: ConstraintsDoc): LineConstraints => ({
  lineId: d.lineId,
  constraints: d.constraints,
  version: d.version,
  updatedBy: d.updatedBy,
  updatedAtMs: d.updatedAtMs,
  correlationId: d.correlationId,
  etag: httpEtag(d._etag),
});

/**
 * Per-line user constraints in Cosmos container `line-constraints` (partition key /lineId, id = lineId); each
 * replacement runs in one transactional batch with its `smelter.constraints.changed` event (the outbox).
 */
export class CosmosLineConstraintStore implements LineConstraintStore {
  private readonly outbox: CosmosOutbox;

  private constructor(private readonly container: Container) {
    this.outbox = new CosmosOutbox(container, '/lineId');
  }

  static async create(
    client: CosmosClient,
    database: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosLineConstraintStore> {
    return new CosmosLineConstraintStore(
      await openContainer(client, database, LINE_CONSTRAINTS_CONTAINER, '/lineId', opts.createIfMissing),
    );
  }

  private async read(lineId: string): Promise<ConstraintsDoc | undefined> {
    try {
      const { resource } = await this.container.item(lineId, lineId).read();
      return resource ? ConstraintsDoc.parse(resource) : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async get(lineId: string): Promise<LineConstraints | undefined> {
    const d = await this.read(lineId);
    return d && toConstraints(d);
  }

  async replace(
    lineId: string,
    write: ConstraintsWrite,
    events: EventsFor<LineConstraints>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<LineConstraints>>> {
    const current = await this.read(lineId);
    if (ifMatch !== undefined && !admits(ifMatch, current && httpEtag(current._etag)))
      return { ok: false, reason: 'version-mismatch' };
    const next = {
      id: lineId,
      lineId,
      kind: 'line-constraints' as const,
      ...write,
      version: (current?.version ?? 0) + 1,
    };
    // Conditional on what was just read (or on nothing being there), so a writer in between becomes a 412 (or 409),
    // not a lost update. The event does not name the ETag, so it can be built from the version before the write.
    const r = await this.outbox.write(
      lineId,
      [
        current
          ? { operationType: 'Replace', id: lineId, resourceBody: next, ifMatch: current._etag }
          : { operationType: 'Create', resourceBody: next },
      ],
      events(toConstraints({ ...next, _etag: '' })),
    );
    if (!r.ok) return { ok: false, reason: 'version-mismatch' };
    const stored = toConstraints({ ...next, _etag: r.results[0]!.eTag ?? '' });
    return { ok: true, value: { stored, pending: r.pending } };
  }
}
