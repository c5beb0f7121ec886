/**
 * Load generator for bench/api.ts, run as its own process so the load does not share the app's event loop:
 * `node --import tsx bench/support/api-load.ts '<json spec>'` drives one route at a fixed request rate with autocannon and
 * prints JSON (latency p50/p95/p99 from every response's time, achieved requests/s, status counts).
 */
import { createRequire } from 'node:module';

/** What bench/api.ts asks the load generator for. */
export interface LoadSpec {
  url: string;
  /** Paths each connection cycles through (default: the URL's own). */
  paths?: string[];
  method: 'GET' | 'PUT' | 'POST';
  headers: Record<string, string>;
  body?: string;
  ratePerS: number;
  seconds: number;
  connections: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void,
  ): void;
}
type Autocannon = (
  opts: Record<string, unknown>,
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const result = await new Promise<AutocannonResult>((resolve, reject) => {
  const instance = autocannon(
    {
      url: spec.url,
      method: spec.method,
      headers: spec.headers,
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.paths
        ? {
            requests: spec.paths.map((p) => ({
              method: spec.method,
              path: p,
              ...(spec.body ? { body: spec.body } : {}),
            })),
          }
        : {}),
      connections: spec.connections,
      overallRate: spec.ratePerS,
      duration: spec.seconds,
      timeout: 10,
    },
    (err, r) => (err ? reject(err) : resolve(r)),
  );
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    latencies.push(ms);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
});

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN).toFixed(1));
console.log(
  JSON.stringify({
    latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) },
    requestsPerS: Number((latencies.length / spec.seconds).toFixed(1)),
    responses: latencies.length,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
