/**
 * Maps what an Event Hub trigger (cardinality many) hands the function — bodies plus the host's trigger metadata —
 * onto plain ingest events. The metadata keys are the host's (camel-cased by @azure/functions): enqueuedTimeUtcArray,
 * sequenceNumberArray, partitionKeyArray, partitionContext.partitionId.
 */
export interface TriggerEvent {
  body: Uint8Array;
  partition: string;
  sequenceNumber: number;
  enqueuedTimeUtc: string;
  partitionKey?: string;
}

const encoder = new TextEncoder();

/** Raw bytes of a body whatever shape the binding delivered it in (bytes, string, or parsed JSON). */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return encoder.encode(body);
  if (body === undefined || body === null) return new Uint8Array(0);
  return encoder.encode(JSON.stringify(body));
}

function arrayAt(meta: Record<string, unknown>, key: string, i: number): unknown {
  const arr = meta[key];
  return Array.isArray(arr) ? arr[i] : undefined;
}

function partitionOf(meta: Record<string, unknown>): string {
  const ctx = meta.partitionContext as Record<string, unknown> | undefined;
  const id = ctx?.partitionId ?? ctx?.PartitionId;
  return id === undefined || id === null ? 'unknown' : String(id);
}

/**
 * Pairs each body with its partition, sequence number and enqueued time. Sequence numbers missing from the metadata
 * (never in Azure) fall back to the index so file names stay deterministic for the batch.
 */
export function eventsFromTrigger(bodies: unknown, meta: Record<string, unknown>): TriggerEvent[] {
  const list = Array.isArray(bodies) ? bodies : [bodies];
  const partition = partitionOf(meta);
  return list.map((body, i) => {
    const seq = Number(arrayAt(meta, 'sequenceNumberArray', i) ?? i);
    const enq = arrayAt(meta, 'enqueuedTimeUtcArray', i);
    const key = arrayAt(meta, 'partitionKeyArray', i);
    const event: TriggerEvent = {
      body: bodyBytes(body),
      partition,
      sequenceNumber: Number.isFinite(seq) ? seq : i,
      enqueuedTimeUtc:
        enq instanceof Date ? enq.toISOString() : typeof enq === 'string' ? enq : new Date(0).toISOString(),
    };
    if (typeof key === 'string' && key.length > 0) event.partitionKey = key;
    return event;
  });
}
