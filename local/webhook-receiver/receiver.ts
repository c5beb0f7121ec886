/**
 * The local stand-in for Teams / Logic Apps / ACS: an HTTP server that accepts any POST and appends what it
 * received to a JSON Lines file, so a person (or a test) can read which notifications went out.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ReceivedRequest {
  receivedAt: string;
  method: string;
  path: string;
  contentType?: string;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:7072; any path below it is accepted. */
  readonly url: string;
  readonly file: string;
  /** Requests received since start, in order. */
  received(): readonly ReceivedRequest[];
  close(): Promise<void>;
}

/** Largest body accepted, bytes: notifications are small; anything bigger is a mistake worth a 413. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts the receiver on 127.0.0.1 (port 0 picks a free one); each request is appended to `file` before the 204. */
export async function startWebhookReceiver(options: {
  file: string;
  port?: number;
  now?: () => Date;
}): Promise<WebhookReceiver> {
  await mkdir(path.dirname(options.file), { recursive: true });
  const received: ReceivedRequest[] = [];
  const now = options.now ?? (() => new Date());
  let writes: Promise<void> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON: keep the text as it came.
      }
      const record: ReceivedRequest = {
        receivedAt: now().toISOString(),
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
        body,
      };
      received.push(record);
      writes = writes.then(() => appendFile(options.file, `${JSON.stringify(record)}\n`));
      writes.then(
        () => res.writeHead(204).end(),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    file: options.file,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
