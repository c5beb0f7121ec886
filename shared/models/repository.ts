import type { z } from 'zod';
import type { Actor } from '../kernel/audit-log.js';
import type { WriteOutcome } from '../kernel/write-outcome.js';
import type { EventsFor, Written } from '../messaging/outbox.js';
import type { PdeModelBody, PdeModelId, PdeModelStatus } from './schemas.js';

/** A PDE model as stored, with the bookkeeping the API reports. `etag` is an HTTP strong ETag (quoted). */
export interface StoredPdeModel {
  modelId: PdeModelId;
  /** Allocation order (pde-007 has seq 7); lists are ordered by it. */
  seq: number;
  modelName: string;
  description?: string;
  parameters: Record<string, unknown>;
  status: z.infer<typeof PdeModelStatus>;
  createdAtMs: number;
  updatedAtMs: number;
  createdBy: string;
  updatedBy: string;
  etag: string;
}

/**
 * Storage port for PDE models. Implementations: Cosmos DB (shared/azure/cosmos-model-repository.ts). Every write
 * queues the events `events` builds from the version written (or deleted) in the same atomic write (the outbox,
 * shared/messaging/outbox.ts), so a change is never stored without its ledger event.
 */
export interface ModelRepository {
  /** Allocates the next id (pde-001, pde-002, … never reused, safe under concurrent creates) and stores the model. */
  create(
    body: PdeModelBody,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPdeModel>,
  ): Promise<Written<StoredPdeModel>>;
  get(modelId: PdeModelId): Promise<StoredPdeModel | undefined>;
  /** Up to `limit` models with seq > `afterSeq`, in seq order, and whether more follow. */
  list(limit: number, afterSeq: number): Promise<{ items: StoredPdeModel[]; more: boolean }>;
  /** Replaces name, parameters and description when `ifMatch` (HTTP ETags or `*`) is absent or matches. */
  replace(
    modelId: PdeModelId,
    body: PdeModelBody,
    actor: Actor,
    nowMs: number,
    events: EventsFor<StoredPdeModel>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredPdeModel>>>;
  /** Deletes a model when `ifMatch` admits it; answers the version deleted. */
  remove(
    modelId: PdeModelId,
    nowMs: number,
    events: EventsFor<StoredPdeModel>,
    ifMatch?: string,
  ): Promise<WriteOutcome<Written<StoredPdeModel>>>;
}

/** Formats a model id from its sequence number: at least three digits. */
export function modelIdOf(seq: number): PdeModelId {
  return `pde-${String(seq).padStart(3, '0')}`;
}
