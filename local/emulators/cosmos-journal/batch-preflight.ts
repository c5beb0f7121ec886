import { pathSegments, requestKind, type CosmosRequest, type CosmosResponse } from './records.js';

/** Operation types the server executes inside a batch. */
const SERVED = new Set(['Create', 'Upsert', 'Read', 'Delete', 'Replace']);

/**
 * The server runs a batch operation by operation, and stops with 400 (an operation type it does not serve) or 500 (an
 * operation without a partition key of its own) after the operations before it have changed the store: a failure
 * that hides a change, which a journal of successful writes would then lose. So a batch is checked before it runs:
 * an operation without a partition key takes the batch's, as in Cosmos DB, and a batch the server would stop in the
 * middle of is refused whole, with nothing changed.
 */
export function preflightBatch(request: CosmosRequest): { request: CosmosRequest } | { refused: CosmosResponse } {
  if (requestKind(request) !== 'batch' || pathSegments(request.url).length !== 5) return { request };
  let operations: unknown;
  try {
    operations = JSON.parse(request.body.toString('utf8'));
  } catch {
    return { request };
  }
  if (!Array.isArray(operations)) return { request };
  const header = request.headers['x-ms-documentdb-partitionkey'];
  const batchKey = Array.isArray(header) ? header[0] : header;
  const prepared: unknown[] = [];
  for (const [i, operation] of operations.entries()) {
    if (typeof operation !== 'object' || operation === null)
      return refuse(`Operation ${i} of the batch is not an object.`);
    const { operationType, partitionKey } = operation as { operationType?: unknown; partitionKey?: unknown };
    if (!SERVED.has(String(operationType)))
      return refuse(`Operation type '${String(operationType)}' is not supported in Batch.`);
    const key = partitionKey ?? batchKey;
    if (!isPartitionKeyHeader(key))
      return refuse(
        `Operation ${i} of the batch has no partition key the server can read (send it in x-ms-documentdb-partitionkey).`,
      );
    prepared.push({ ...operation, partitionKey: key });
  }
  return { request: { ...request, body: Buffer.from(JSON.stringify(prepared)) } };
}

/** A partition key as the server parses it: JSON of a string or of an array. */
function isPartitionKeyHeader(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' || Array.isArray(parsed);
  } catch {
    return false;
  }
}

function refuse(message: string): { refused: CosmosResponse } {
  return {
    refused: {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'BadRequest', message }),
    },
  };
}
