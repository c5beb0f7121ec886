import { z } from 'zod';
import type { HostRoute } from '../http-server.js';
import { DurableError, type DurableEngine, type InstanceFilter } from './engine.js';
import { RuntimeStatus } from './instance-store.js';

/** Path of the Durable Functions HTTP API on the host (learn.microsoft.com, "HTTP API reference - Durable Functions"). */
export const DURABLE_API_PREFIX = '/runtime/webhooks/durabletask/';
/**
 * Path of the RPC endpoint the client library calls (`rpcBaseUrl`). In Azure it is a loopback-only listener of the
 * extension; here it shares the devhost's port, so its base URL carries the system key as a path segment (the
 * library resolves every call against that base and cannot add a key of its own).
 */
const RPC_PREFIX = '/runtime/webhooks/durabletask-rpc/';
/** The RPC prefix for a system key. */
export const durableRpcPrefix = (systemKey: string) => `${RPC_PREFIX}${encodeURIComponent(systemKey)}/`;
/** Placeholder the client replaces with an instance id in management URLs (the extension uses the same). */
const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

const errorJson = (code: string, message: string, field?: string) => ({
  code,
  message,
  details: field ? [{ field, issue: message }] : [],
});

const Query = z.object({
  /** The key of the request (checked by the HTTP server before the route runs). */
  code: z.string().optional(),
  taskHub: z.string().optional(),
  connection: z.string().optional(),
  showHistory: z.enum(['true', 'false']).optional(),
  showInput: z.enum(['true', 'false']).optional(),
  runtimeStatus: z.string().optional(),
  createdTimeFrom: z.iso.datetime({ offset: true }).optional(),
  createdTimeTo: z.iso.datetime({ offset: true }).optional(),
  instanceIdPrefix: z.string().optional(),
  reason: z.string().optional(),
});

/**
 * Connection data of the `durableClient` input binding (OrchestrationClientInputData), pointing at this host. As in
 * Azure, the management URLs carry the `durabletask_extension` system key (`code=`), and the RPC base URL its own.
 */
export function clientBindingData(baseUrl: string, taskHub: string, systemKey: string): Record<string, unknown> {
  const api = `${baseUrl}${DURABLE_API_PREFIX.slice(0, -1)}`;
  const qs = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;
  const inst = `${api}/instances/${INSTANCE_ID_PLACEHOLDER}`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${api}/orchestrators/{functionName}[/{instanceId}]?${qs}`,
      waitOnNewInstancePostUri: `${api}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${qs}`,
    },
    managementUrls: managementUrls(api, INSTANCE_ID_PLACEHOLDER, qs),
    baseUrl: api,
    requiredQueryStringParameters: qs,
    rpcBaseUrl: `${baseUrl}${durableRpcPrefix(systemKey)}`,
    httpBaseUrl: api,
    maxGrpcMessageSizeInBytes: 0,
    grpcHttpClientTimeout: '00:01:40',
    instanceUrlTemplate: inst,
  };
}

function managementUrls(api: string, id: string, qs: string): Record<string, string> {
  const inst = `${api}/instances/${id}`;
  return {
    id,
    statusQueryGetUri: `${inst}?${qs}`,
    sendEventPostUri: `${inst}/raiseEvent/{eventName}?${qs}`,
    terminatePostUri: `${inst}/terminate?reason={text}&${qs}`,
    rewindPostUri: `${inst}/rewind?reason={text}&${qs}`,
    purgeHistoryDeleteUri: `${inst}?${qs}`,
    restartPostUri: `${inst}/restart?${qs}`,
    suspendPostUri: `${inst}/suspend?reason={text}&${qs}`,
    resumePostUri: `${inst}/resume?reason={text}&${qs}`,
  };
}

type Reply = { status: number; json?: unknown; headers?: Record<string, string> };

/**
 * Serves the Durable HTTP API the client library calls through `rpcBaseUrl` and the management URLs that
 * `createCheckStatusResponse` hands out: start, status, list, raise event, terminate, purge. Two routes: the webhook,
 * opened by the `durabletask_extension` system key (or the master key) as in Azure, and the RPC path holding the key.
 */
export function durableApiRoutes(
  engine: DurableEngine,
  taskHub: string,
  baseUrl: () => string,
  systemKey: string,
): HostRoute[] {
  const handle = durableApiHandler(engine, taskHub, baseUrl, systemKey);
  return [
    { prefix: DURABLE_API_PREFIX, access: 'durabletask_extension', handle },
    { prefix: durableRpcPrefix(systemKey), access: 'secret-prefix', handle },
  ];
}

function durableApiHandler(
  engine: DurableEngine,
  taskHub: string,
  baseUrl: () => string,
  systemKey: string,
): HostRoute['handle'] {
  return async ({ method, url, subPath, body }) => {
    const parsedQuery = Query.safeParse(Object.fromEntries(url.searchParams.entries()));
    if (!parsedQuery.success) {
      const issue = parsedQuery.error.issues[0];
      return {
        status: 400,
        json: errorJson(
          'ERR-4001',
          `Invalid query ${issue?.path.join('.')}: ${issue?.message}`,
          String(issue?.path[0]),
        ),
      };
    }
    const q = parsedQuery.data;
    // The server decoded the path once already (path-decoding.ts).
    const parts = subPath.split('/').filter((p) => p.length > 0);
    try {
      return route(engine, taskHub, baseUrl(), systemKey, method, parts, q, body);
    } catch (err) {
      if (err instanceof DurableError)
        return { status: err.status, json: err.extensionBody ?? errorJson(err.code, err.message, err.field) };
      throw err;
    }
  };
}

function route(
  engine: DurableEngine,
  taskHub: string,
  baseUrl: string,
  systemKey: string,
  method: string,
  parts: string[],
  q: z.infer<typeof Query>,
  body: Buffer,
): Reply {
  const [head, id, action, eventName] = parts;
  const qs = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;
  const api = `${baseUrl}${DURABLE_API_PREFIX.slice(0, -1)}`;
  if (head === 'orchestrators' && method === 'POST' && id) {
    const input = parseBody(body);
    const instanceId = engine.startNew(id, { instanceId: action, input });
    const payload = managementUrls(api, instanceId, qs);
    return { status: 202, json: payload, headers: { location: payload.statusQueryGetUri ?? '' } };
  }
  if (head !== 'instances') {
    if (head === 'entities')
      return {
        status: 501,
        json: errorJson('ERR-5011', 'Durable entities are not served by the devhost yet (local/devhost/README.md).'),
      };
    return { status: 404, json: errorJson('ERR-4042', `No Durable API endpoint ${method} ${parts.join('/')}`) };
  }
  const filter: InstanceFilter = {
    runtimeStatus: q.runtimeStatus ? q.runtimeStatus.split(',').map((s) => RuntimeStatus.parse(s.trim())) : undefined,
    createdFromMs: q.createdTimeFrom ? Date.parse(q.createdTimeFrom) : undefined,
    createdToMs: q.createdTimeTo ? Date.parse(q.createdTimeTo) : undefined,
    instanceIdPrefix: q.instanceIdPrefix,
  };
  if (!id) {
    if (method === 'GET') return { status: 200, json: engine.list(filter) };
    if (method === 'DELETE') {
      const n = engine.purge(filter);
      return n > 0
        ? { status: 200, json: { instancesDeleted: n } }
        : { status: 404, json: errorJson('ERR-4042', 'No finished instance matches the filter.') };
    }
  } else if (!action) {
    if (method === 'GET') {
      const status = engine.status(id, { showHistory: q.showHistory === 'true', showInput: q.showInput !== 'false' });
      if (!status) return { status: 404, json: errorJson('ERR-4042', `No instance with id ${id}.`, 'instanceId') };
      const code =
        status.runtimeStatus === 'Completed'
          ? 200
          : status.runtimeStatus === 'Failed' || status.runtimeStatus === 'Terminated'
            ? 400
            : 202;
      return {
        status: code,
        json: status,
        headers:
          code === 202 ? { location: `${api}/instances/${encodeURIComponent(id)}?${qs}`, 'retry-after': '10' } : {},
      };
    }
    if (method === 'DELETE') {
      const n = engine.purge({ instanceId: id });
      return n > 0
        ? { status: 200, json: { instancesDeleted: n } }
        : { status: 404, json: errorJson('ERR-4042', `No finished instance with id ${id}.`, 'instanceId') };
    }
  } else if (method === 'POST' && (action === 'raiseEvent' || action === 'terminate')) {
    const outcome =
      action === 'raiseEvent'
        ? engine.raiseEvent(id, eventName ?? '', parseBody(body))
        : engine.terminate(id, q.reason ?? '');
    if (outcome === 'notFound')
      return { status: 404, json: errorJson('ERR-4042', `No instance with id ${id}.`, 'instanceId') };
    if (outcome === 'gone')
      return { status: 410, json: errorJson('ERR-4101', `Instance ${id} has already finished.`, 'instanceId') };
    return { status: 202 };
  } else if (method === 'POST') {
    return {
      status: 501,
      json: errorJson(
        'ERR-5011',
        `The devhost does not support ${action} (only start, status, list, raiseEvent, terminate, purge).`,
      ),
    };
  }
  return { status: 405, json: errorJson('ERR-4051', `${method} is not allowed on ${parts.join('/')}`) };
}

/** A request body as the client sends it: JSON text, or empty for no input. */
function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DurableError(
      'ERR-4001',
      400,
      'The request body must be JSON (the orchestration input or event data).',
      'body',
    );
  }
}
