import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

/** A request as the Cosmos-compatible server's handler sees it, with the body already read. */
export interface CosmosRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The handler's answer, held back until what it changed is on disk. */
export interface CosmosResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A resource as stored: its own fields, without the system properties the server assigns again on replay. */
const Resource = z.looseObject({ id: z.union([z.string(), z.number()]) });
type Resource = z.infer<typeof Resource>;

/**
 * One entry of the journal or of a snapshot: the effect a successful write had, not the request that caused it. A
 * document write (create, replace, upsert, patch, batch) is kept as the whole document it left behind, so a replay is
 * an unconditional upsert that cannot fail on If-Match, a patch condition or a create conflict.
 */
export const JournalRecord = z.discriminatedUnion('op', [
  z.object({ op: z.literal('createDatabase'), body: Resource }),
  z.object({ op: z.literal('deleteDatabase'), db: z.string() }),
  z.object({ op: z.literal('createContainer'), db: z.string(), body: Resource }),
  z.object({ op: z.literal('replaceContainer'), db: z.string(), coll: z.string(), body: Resource }),
  z.object({ op: z.literal('deleteContainer'), db: z.string(), coll: z.string() }),
  z.object({ op: z.literal('putDocument'), db: z.string(), coll: z.string(), doc: Resource }),
  /** `partitionKey` is the partition key header (or batch field) the delete was made with, exactly as sent. */
  z.object({
    op: z.literal('deleteDocument'),
    db: z.string(),
    coll: z.string(),
    id: z.string(),
    partitionKey: z.string(),
  }),
  z.object({ op: z.literal('putFunction'), db: z.string(), coll: z.string(), body: Resource }),
  z.object({ op: z.literal('deleteFunction'), db: z.string(), coll: z.string(), id: z.string() }),
  /** Last entry of every snapshot: a snapshot without it, or with another count, is damaged. */
  z.object({ op: z.literal('snapshotEnd'), records: z.number().int().min(0) }),
]);
export type JournalRecord = z.infer<typeof JournalRecord>;
export type StateRecord = Exclude<JournalRecord, { op: 'snapshotEnd' }>;

/** A successful write this module cannot describe: the server stops rather than acknowledge a change it cannot keep. */
export class UnjournalledWriteError extends Error {
  readonly code = 'ERR-COSMOS-JOURNAL-UNKNOWN-WRITE';
  constructor(request: CosmosRequest) {
    super(`${request.method} ${request.url} changed the store but has no journal record`);
    this.name = 'UnjournalledWriteError';
  }
}

type RequestKind = 'read' | 'create' | 'upsert' | 'batch' | 'replace' | 'patch' | 'delete';

/** How the server's router classifies a request (the same headers decide query, upsert and batch). */
export function requestKind(request: CosmosRequest): RequestKind {
  switch (request.method) {
    case 'POST':
      if (
        isTrue(request.headers['x-ms-documentdb-isquery']) ||
        request.headers['content-type'] === 'application/query+json'
      )
        return 'read';
      if (isTrue(request.headers['x-ms-documentdb-is-upsert'])) return 'upsert';
      if (isTrue(request.headers['x-ms-cosmos-is-batch-request'])) return 'batch';
      return 'create';
    case 'PUT':
      return 'replace';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'read';
  }
}

/** The records that make a successful write (2xx) durable; none for reads. */
export function recordsFor(request: CosmosRequest, response: CosmosResponse): StateRecord[] {
  const kind = requestKind(request);
  if (kind === 'read' || response.status < 200 || response.status > 299) return [];
  const s = pathSegments(request.url);
  const [dbs, db, colls, coll, children, child] = s;
  const resource = () => withoutSystemProperties(Resource.parse(JSON.parse(response.body)));
  if (dbs !== 'dbs') throw new UnjournalledWriteError(request);
  if (s.length === 1 && kind === 'create') return [{ op: 'createDatabase', body: resource() }];
  if (s.length === 2 && kind === 'delete') return [{ op: 'deleteDatabase', db: db! }];
  if (colls !== 'colls') throw new UnjournalledWriteError(request);
  if (s.length === 3 && kind === 'create') return [{ op: 'createContainer', db: db!, body: resource() }];
  if (s.length === 4 && kind === 'replace') return [{ op: 'replaceContainer', db: db!, coll: coll!, body: resource() }];
  if (s.length === 4 && kind === 'delete') return [{ op: 'deleteContainer', db: db!, coll: coll! }];
  if (children === 'docs' && s.length === 5 && (kind === 'create' || kind === 'upsert'))
    return [{ op: 'putDocument', db: db!, coll: coll!, doc: resource() }];
  if (children === 'docs' && s.length === 5 && kind === 'batch') return batchRecords(request, response, db!, coll!);
  if (children === 'docs' && s.length === 6 && (kind === 'replace' || kind === 'patch'))
    return [{ op: 'putDocument', db: db!, coll: coll!, doc: resource() }];
  if (children === 'docs' && s.length === 6 && kind === 'delete') {
    return [
      {
        op: 'deleteDocument',
        db: db!,
        coll: coll!,
        id: child!,
        partitionKey: header(request.headers['x-ms-documentdb-partitionkey']) ?? '',
      },
    ];
  }
  if (children === 'udfs' && s.length === 5 && (kind === 'create' || kind === 'upsert'))
    return [{ op: 'putFunction', db: db!, coll: coll!, body: resource() }];
  if (children === 'udfs' && s.length === 6 && kind === 'replace')
    return [{ op: 'putFunction', db: db!, coll: coll!, body: resource() }];
  if (children === 'udfs' && s.length === 6 && kind === 'delete')
    return [{ op: 'deleteFunction', db: db!, coll: coll!, id: child! }];
  throw new UnjournalledWriteError(request);
}

const BatchOperation = z.looseObject({
  operationType: z.string(),
  id: z.string().optional(),
  partitionKey: z.unknown().optional(),
});
const BatchResult = z.looseObject({ statusCode: z.number(), resourceBody: z.unknown().optional() });

/** A batch runs its operations one by one and answers each: every one that succeeded left its effect. */
function batchRecords(request: CosmosRequest, response: CosmosResponse, db: string, coll: string): StateRecord[] {
  const operations = z.array(BatchOperation).parse(JSON.parse(request.body.toString('utf8')));
  const results = z.array(BatchResult).parse(JSON.parse(response.body));
  const records: StateRecord[] = [];
  results.forEach((result, i) => {
    const operation = operations[i];
    if (!operation || result.statusCode < 200 || result.statusCode > 299) return;
    if (operation.operationType === 'Read') return;
    if (operation.operationType === 'Delete') {
      records.push({
        op: 'deleteDocument',
        db,
        coll,
        id: operation.id ?? '',
        partitionKey: typeof operation.partitionKey === 'string' ? operation.partitionKey : '',
      });
    } else {
      records.push({ op: 'putDocument', db, coll, doc: withoutSystemProperties(Resource.parse(result.resourceBody)) });
    }
  });
  return records;
}

/** The request that re-applies `record` to the server's in-memory store (no If-Match: a replay must not be refused). */
export function replayRequest(record: StateRecord, host: string): CosmosRequest {
  const at = (...segments: string[]) => `/${segments.map(encodeURIComponent).join('/')}`;
  const base = { headers: { host, 'content-type': 'application/json' } as IncomingHttpHeaders, body: Buffer.alloc(0) };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  // The upsert handler looks the old version up by this header only to choose 200 or 201; the body decides the partition.
  const upsert = { 'x-ms-documentdb-is-upsert': 'true', 'x-ms-documentdb-partitionkey': '[]' };
  switch (record.op) {
    case 'createDatabase':
      return { ...base, method: 'POST', url: at('dbs'), body: json(record.body) };
    case 'deleteDatabase':
      return { ...base, method: 'DELETE', url: at('dbs', record.db) };
    case 'createContainer':
      return { ...base, method: 'POST', url: at('dbs', record.db, 'colls'), body: json(record.body) };
    case 'replaceContainer':
      return { ...base, method: 'PUT', url: at('dbs', record.db, 'colls', record.coll), body: json(record.body) };
    case 'deleteContainer':
      return { ...base, method: 'DELETE', url: at('dbs', record.db, 'colls', record.coll) };
    case 'putDocument':
      return {
        ...base,
        headers: { ...base.headers, ...upsert },
        method: 'POST',
        url: at('dbs', record.db, 'colls', record.coll, 'docs'),
        body: json(record.doc),
      };
    case 'deleteDocument':
      return {
        ...base,
        headers: { ...base.headers, 'x-ms-documentdb-partitionkey': record.partitionKey },
        method: 'DELETE',
        url: at('dbs', record.db, 'colls', record.coll, 'docs', record.id),
      };
    case 'putFunction':
      return {
        ...base,
        headers: { ...base.headers, ...upsert },
        method: 'POST',
        url: at('dbs', record.db, 'colls', record.coll, 'udfs'),
        body: json(record.body),
      };
    case 'deleteFunction':
      return { ...base, method: 'DELETE', url: at('dbs', record.db, 'colls', record.coll, 'udfs', record.id) };
  }
}

/** The server assigns these again when it stores a resource, so a restart changes them (ETags included). */
const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_ts'];

export function withoutSystemProperties(resource: Resource): Resource {
  const copy: Resource = { ...resource };
  for (const key of SYSTEM_PROPERTIES) delete copy[key];
  return copy;
}

/** Path segments as the server's router reads them: a doubled leading slash and trailing slashes ignored, each segment URL-decoded. */
export function pathSegments(url: string): string[] {
  const pathname = url.split('?')[0]!.replace(/^\/+/, '').replace(/\/+$/, '');
  return pathname === '' ? [] : pathname.split('/').map((s) => decodeURIComponent(s));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(value: string | string[] | undefined): boolean {
  return (Array.isArray(value) ? value : [value]).some((v) => v?.toLowerCase() === 'true');
}
