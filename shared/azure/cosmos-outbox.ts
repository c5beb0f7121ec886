/**
 * The outbox in Cosmos DB (the port: shared/messaging/outbox.ts). A queued event is its own document in the
 * container of the change it reports, in the change's partition (`kind: 'outbox'`, id `outbox-<uuid>`), written
 * in the same transactional batch as the change: Cosmos runs a batch within one partition atomically, so the change
 * and its event are stored together or not at all, in Azure and on the local server alike for every failure a write
 * meets (a stale If-Match, a taken id: the change comes first in the batch and fails before anything is written).
 * A separate document, rather than a field of the changed one, leaves the resource and its ETag untouched when the
 * event is taken out, lets a delete keep its event, and lets the sweep find every queued event with one query.
 * Reads by id never meet these documents, and every list query of the containers filters on its own `kind`.
 */
import { randomUUID } from 'node:crypto';
import type { Container, JSONObject, OperationInput, OperationResponse } from '@azure/cosmos';
import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';
import { parsePlantEvent, type PlantEvent } from '../messaging/cloud-event.js';
import type { OutboxSource, QueuedEvent } from '../messaging/outbox.js';
import { OUTBOX_CONTAINERS } from './containers.js';
import { statusOf } from './open-container.js';

/** `kind` of an outbox document; every query for a container's own documents filters on its own kind. */
export const OUTBOX_KIND = 'outbox';

const OutboxDoc = z.object({
  id: z.string(),
  kind: z.literal(OUTBOX_KIND),
  queuedAtMs: z.number(),
  event: z.unknown(),
});

/**
 * One operation of a change on a document of the partition. `ifMatch` is Cosmos's `_etag` of the version read: the
 * operation (and with it the whole batch) fails with 412 when the document changed since.
 */
export type ChangeOperation =
  | { operationType: 'Create'; resourceBody: object }
  | { operationType: 'Replace'; id: string; resourceBody: object; ifMatch: string }
  | { operationType: 'Delete'; id: string; ifMatch: string };

/** An event as queued: a fresh id (the batch can never fail on the queued event itself), the event, its time. */
interface OutboxEntry {
  id: string;
  event: PlantEvent;
  queuedAtMs: number;
}

/**
 * What a batch did: the change operations' results and the events pending in the partition after it, oldest first
 * (none when it queued none); or the status of the operation that failed it, with nothing written.
 */
export type BatchOutcome =
  | { ok: true; results: OperationResponse[]; pending: QueuedEvent[] }
  | { ok: false; status: number; failedIndex: number };

/**
 * A batch failed for a reason its caller does not handle (not a stale version, a taken id or a missing item). No
 * status (the service unreachable), 408, 429 or 5xx is the store being unavailable; any other status is a fault here.
 */
export class OutboxWriteError extends DomainError {
  constructor(container: string, status: number, detail: string) {
    super(
      !(status > 0) || status === 408 || status === 429 || status >= 500 ? 'unavailable' : 'internal',
      'ERR-COSMOS-BATCH',
      `${container}: the change and its event could not be written (${status}: ${detail}); nothing was stored`,
      container,
    );
  }
}

/** The outbox of one container: writes changes with their events, and is a source the sweep reads. */
export class CosmosOutbox implements OutboxSource {
  readonly name: string;
  private readonly partitionKeyField: string;

  /** `partitionKeyPath` is the container's partition key (`/modelId`); the container must be in OUTBOX_CONTAINERS. */
  constructor(
    private readonly container: Container,
    partitionKeyPath: string,
  ) {
    const declared = OUTBOX_CONTAINERS.find((c) => c.name === container.id);
    if (!declared)
      throw new Error(
        `container ${container.id} queues events but is not in OUTBOX_CONTAINERS (shared/azure/containers.ts), so the outbox sweep would never read it; add it there`,
      );
    if (declared.partitionKey !== partitionKeyPath || !/^\/[A-Za-z0-9_]+$/.test(partitionKeyPath))
      throw new Error(`container ${container.id} is partitioned by ${declared.partitionKey}, not ${partitionKeyPath}`);
    this.name = container.id;
    this.partitionKeyField = partitionKeyPath.slice(1);
  }

  /**
   * Runs `change` (operations in partition `partitionKey`) and queues `events` in the same transactional batch. A
   * failed operation fails the batch with nothing written: 404, 409 and 412 come back as `{ ok: false, status }` for
   * the caller to answer as it answers a single write; any other failure throws OutboxWriteError. On success it
   * answers the partition's pending events (one more single-partition query, only when it queued any), so an event
   * an outage held back goes out before the new one.
   */
  async write(
    partitionKey: string,
    change: readonly ChangeOperation[],
    events: readonly PlantEvent[],
  ): Promise<BatchOutcome> {
    const queuedAtMs = Date.now();
    const docs = events.map((event): OutboxEntry => ({ id: `outbox-${randomUUID()}`, event, queuedAtMs }));
    // Every operation names its partition key: the local server does not take it from the batch. (The SDK's types
    // leave `ifMatch` off a delete; the service and the local server honour it.)
    const operations = [
      ...change.map((op) => ({ ...op, partitionKey })),
      ...docs.map((d) => ({
        operationType: 'Create' as const,
        partitionKey,
        resourceBody: this.bodyOf(partitionKey, d),
      })),
    ] as OperationInput[];
    let results: OperationResponse[];
    try {
      const response = await this.container.items.batch(operations, partitionKey);
      results = response.result ?? [];
    } catch (e) {
      throw new OutboxWriteError(this.name, Number(statusOf(e) ?? 0), e instanceof Error ? e.message : String(e));
    }
    const failedIndex = results.findIndex((r) => r.statusCode >= 400 && r.statusCode !== 424);
    if (failedIndex >= 0) {
      const status = results[failedIndex]!.statusCode;
      if (failedIndex < change.length && (status === 404 || status === 409 || status === 412))
        return { ok: false, status, failedIndex };
      throw new OutboxWriteError(this.name, status, `operation ${failedIndex} of the batch failed`);
    }
    if (results.length !== operations.length)
      throw new OutboxWriteError(this.name, 0, `the batch answered ${results.length} of ${operations.length} results`);
    return {
      ok: true,
      results: results.slice(0, change.length),
      pending: docs.length === 0 ? [] : await this.pendingIn(partitionKey, docs),
    };
  }

  async pending(limit: number): Promise<QueuedEvent[]> {
    return this.query('SELECT TOP @n * FROM c WHERE c.kind = @kind ORDER BY c.queuedAtMs ASC', [
      { name: '@n', value: limit },
    ]);
  }

  /** The partition's pending events: older ones first (an earlier failed publish left them), then the write's own. */
  private async pendingIn(partitionKey: string, written: readonly OutboxEntry[]): Promise<QueuedEvent[]> {
    const found = await this.query(
      `SELECT * FROM c WHERE c.kind = @kind AND c.${this.partitionKeyField} = @pk ORDER BY c.queuedAtMs ASC`,
      [{ name: '@pk', value: partitionKey }],
      partitionKey,
    );
    const own = new Set(written.map((d) => d.id));
    return [
      ...found.filter((q) => !own.has(q.id)),
      ...written.map((d) => this.entryOf(partitionKey, d.id, d.event, d.queuedAtMs)),
    ];
  }

  private async query(
    query: string,
    parameters: { name: string; value: string | number }[],
    partitionKey?: string,
  ): Promise<(QueuedEvent & { id: string })[]> {
    const { resources } = await this.container.items
      .query<unknown>(
        { query, parameters: [{ name: '@kind', value: OUTBOX_KIND }, ...parameters] },
        partitionKey === undefined ? {} : { partitionKey },
      )
      .fetchAll();
    return resources.map((r) => {
      const doc = OutboxDoc.parse(r);
      const key = String((r as Record<string, unknown>)[this.partitionKeyField]);
      return { id: doc.id, ...this.entryOf(key, doc.id, parsePlantEvent(doc.event), doc.queuedAtMs) };
    });
  }

  private bodyOf(partitionKey: string, d: OutboxEntry): JSONObject {
    return {
      id: d.id,
      [this.partitionKeyField]: partitionKey,
      kind: OUTBOX_KIND,
      queuedAtMs: d.queuedAtMs,
      event: d.event as unknown as JSONObject,
    };
  }

  private entryOf(partitionKey: string, id: string, event: PlantEvent, queuedAtMs: number): QueuedEvent {
    return {
      event,
      queuedAtMs,
      remove: async () => {
        try {
          await this.container.item(id, partitionKey).delete();
        } catch (e) {
          if (statusOf(e) !== 404) throw e;
        }
      },
    };
  }
}
