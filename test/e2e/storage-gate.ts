import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP gate in front of a storage emulator's blob endpoint: open, it forwards every request unchanged; closed, it
 * answers 403 AuthorizationFailure as Azure Storage does when a firewall rule or a removed role assignment shuts the
 * app out. (A 403 is not retried by the storage SDK, so each attempt of the function fails at once and a test can
 * run the trigger's whole retry budget in seconds.)
 */
export interface StorageGate {
  /** A connection string to the account through the gate. */
  connectionString: string;
  close(refuse: boolean): void;
  /** Requests refused so far. */
  refused(): number;
  stop(): Promise<void>;
}

export async function startStorageGate(opts: {
  /** The emulator's blob endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1. */
  blobEndpoint: string;
  /** The emulator's connection string; its BlobEndpoint is replaced by the gate's. */
  connectionString: string;
}): Promise<StorageGate> {
  const target = new URL(opts.blobEndpoint);
  let refusing = false;
  let refused = 0;
  const server = http.createServer((req, res) => {
    if (refusing) {
      refused++;
      req.resume();
      const body =
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code>' +
        '<Message>This request is not authorized to perform this operation.</Message></Error>';
      res.writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthorizationFailure' });
      res.end(body);
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502);
      res.end(e.message);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const gated = `http://127.0.0.1:${port}${target.pathname}`;
  return {
    connectionString: opts.connectionString.replace(/BlobEndpoint=[^;]+;/, `BlobEndpoint=${gated};`),
    close: (refuse) => {
      refusing = refuse;
    },
    refused: () => refused,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
