import { randomUUID } from 'node:crypto';
import type { Container, CosmosClient } from '@azure/cosmos';
import { z } from 'zod';
import { settings } from '../config/settings.js';
import type { AuditEntry, AuditLog } from '../kernel/audit-log.js';
import { appCosmosClient, localCosmos, once } from './composition-root.js';
import { openContainer, statusOf } from './open-container.js';

/** Container and partition key (as declared in shared/azure/containers.ts). */
export const AUDIT_CONTAINER = 'audit';

/** An audit document as stored: one per write, partitioned by its UTC day so a day's trail reads from one partition. */
export const AuditDoc = z.object({
  id: z.string(),
  day: z.string(),
  at: z.string(),
  atMs: z.number(),
  action: z.string(),
  resource: z.string(),
  subject: z.string(),
  clientId: z.string(),
  correlationId: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditDoc = z.infer<typeof AuditDoc>;

/** Audit records in Cosmos container `audit` (partition key /day, UTC date), one document per write. */
export class CosmosAuditLog implements AuditLog {
  constructor(private readonly container: Container) {}

  /** Opens the container; `createIfMissing` only for the local server (in Azure Bicep deploys it). */
  static async open(
    client: CosmosClient,
    databaseId: string,
    opts: { createIfMissing: boolean },
  ): Promise<CosmosAuditLog> {
    return new CosmosAuditLog(await openContainer(client, databaseId, AUDIT_CONTAINER, '/day', opts.createIfMissing));
  }

  async record(e: AuditEntry): Promise<void> {
    const at = new Date(e.atMs).toISOString();
    const doc: AuditDoc = {
      id: e.entryId ?? randomUUID(),
      day: at.slice(0, 10),
      at,
      atMs: e.atMs,
      action: e.action,
      resource: e.resource,
      subject: e.actor.subject,
      clientId: e.actor.clientId,
      correlationId: e.actor.correlationId,
      ...(e.detail ? { detail: e.detail } : {}),
    };
    try {
      await this.container.items.create(doc);
    } catch (err) {
      // The same entry id recorded before (a redelivery): it is kept once.
      if (e.entryId !== undefined && statusOf(err) === 409) return;
      throw err;
    }
  }

  /** The records written under one correlation id (a cross-partition query: for support and tests, not hot paths). */
  async byCorrelationId(correlationId: string): Promise<AuditDoc[]> {
    const { resources } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.correlationId = @c',
        parameters: [{ name: '@c', value: correlationId }],
      })
      .fetchAll();
    return resources.map((r) => AuditDoc.parse(r));
  }
}

/** The process's audit log, opened once and shared by every request. */
export const auditLogFromSettings = once<CosmosAuditLog>(async () =>
  CosmosAuditLog.open(appCosmosClient(), settings().COSMOS_DATABASE, { createIfMissing: localCosmos() }),
);
