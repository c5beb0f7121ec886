import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { CosmosRequest, CosmosResponse } from './records.js';

/**
 * Runs one request through the Cosmos-compatible server's own request handler without a socket: the body comes from
 * memory and the answer is captured, so the caller decides when (and whether) it reaches the client. The handler only
 * reads `method`, `url`, `headers` and the body stream, and only calls `setHeader`, `end` and `statusCode`.
 */
export function invokeHandler(handler: RequestListener, request: CosmosRequest): Promise<CosmosResponse> {
  return new Promise((resolve) => {
    const req = Object.assign(new PassThrough(), {
      method: request.method,
      url: request.url,
      headers: request.headers,
    });
    req.end(request.body);
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 200,
      finished: false,
      setHeader(name: string, value: string | number | readonly string[]) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
        return res;
      },
      end(chunk?: string | Buffer) {
        res.finished = true;
        resolve({ status: res.statusCode, headers, body: chunk === undefined ? '' : chunk.toString() });
        return res;
      },
    };
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

/**
 * Runs tasks one at a time, in the order they were queued. Every request goes through it, so the order in which
 * changes reach the in-memory store is the order of their journal records, and a snapshot sees no write half-done.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
