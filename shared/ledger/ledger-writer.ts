/**
 * What the ledger writer does with a plant event: keep the full event in the lake, append a small entry holding
 * its digest and reference. Idempotent end to end: the payload blob and the entry id both derive from the event id.
 */
import type { LakeStore } from '../lake/lake-store.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { AppendResult, AuditLedger } from './audit-ledger.js';
import { canonicalJson } from './canonical-json.js';
import { entryIdFor, LEDGER_ENTRY_SCHEMA, parseLedgerEntry, type LedgerEntry } from './entry.js';
import { sha256 } from './merkle.js';
import { LEDGER_CONTAINER, ledgerPaths } from './paths.js';

export interface LedgerWriterDeps {
  ledger: AuditLedger;
  lake: LakeStore;
  /** The plant: one ledger collection per plant. */
  collectionId: string;
  payloadContainer?: string;
}

/** Fields of an event's data copied into the entry summary when they are scalars: what auditors search by. */
const SUMMARY_FIELDS = [
  'commandId',
  'cellId',
  'lineId',
  'state',
  'mode',
  'modelId',
  'runId',
  'tag',
  'reason',
  'actor',
  'version',
] as const;

/** Builds the entry for an event whose payload is `payloadBytes` at `payloadPath`. */
export function entryForEvent(
  event: PlantEvent,
  collectionId: string,
  payloadBytes: Uint8Array,
  payloadRef: { container: string; path: string },
): LedgerEntry {
  const summary: Record<string, string | number | boolean | null> = {};
  if (event.data !== null && typeof event.data === 'object' && !Array.isArray(event.data)) {
    const data = event.data as Record<string, unknown>;
    for (const f of SUMMARY_FIELDS) {
      const v = data[f];
      if (typeof v === 'number' || typeof v === 'boolean' || v === null) summary[f] = v;
      else if (typeof v === 'string') summary[f] = v.slice(0, 256);
    }
  }
  return parseLedgerEntry({
    schema: LEDGER_ENTRY_SCHEMA,
    entryId: entryIdFor(event.id),
    collectionId,
    eventId: event.id,
    eventType: event.type,
    source: event.source,
    subject: event.subject,
    occurredAt: event.time,
    ...(event.correlationid !== undefined ? { correlationId: event.correlationid } : {}),
    payloadDigest: sha256(payloadBytes).toString('hex'),
    payloadRef: { ...payloadRef, bytes: payloadBytes.byteLength },
    ...(Object.keys(summary).length > 0 ? { summary } : {}),
  });
}

/** Records one plant event in the ledger; a redelivered event returns the existing entry with duplicate: true. */
export async function recordPlantEvent(event: PlantEvent, deps: LedgerWriterDeps): Promise<AppendResult> {
  const container = deps.payloadContainer ?? LEDGER_CONTAINER;
  const entryId = entryIdFor(event.id);
  const payload = Buffer.from(canonicalJson(event), 'utf8');
  const path = ledgerPaths.payload(deps.collectionId, new Date(event.time).toISOString().slice(0, 10), entryId);
  // Payload first: an entry must never point at a blob that is not there.
  await deps.lake.put(container, path, payload, { contentType: 'application/cloudevents+json' });
  return deps.ledger.append(entryForEvent(event, deps.collectionId, payload, { container, path }));
}
