import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
// OpenTelemetry's own protobuf classes for the OTLP collector services, generated from opentelemetry-proto: the
// receiver decodes exactly what a collector would, with code the app does not share.
import otlpRoot from 'otlp-protobuf-decoder/build/src/generated/root.js';

/** A span as the receiver decoded it. */
export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  serviceName: string;
}

/** A metric as the receiver decoded it: its name, unit, type and data points' attributes and values. */
export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  type: 'sum' | 'gauge' | 'histogram' | 'other';
  points: { attributes: Record<string, unknown>; value: number }[];
}

const AnyValue: z.ZodType<unknown> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().optional(),
      boolValue: z.boolean().optional(),
      intValue: z.union([z.string(), z.number()]).optional(),
      doubleValue: z.number().optional(),
      arrayValue: z.object({ values: z.array(AnyValue).default([]) }).optional(),
    })
    .transform(
      (v) =>
        v.stringValue ??
        v.boolValue ??
        (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
        v.doubleValue ??
        v.arrayValue?.values,
    ),
);
const KeyValues = z
  .array(z.object({ key: z.string(), value: AnyValue.optional() }))
  .default([])
  .transform((kvs) => Object.fromEntries(kvs.map((kv) => [kv.key, kv.value])));
const Resource = z.object({ attributes: KeyValues }).default({ attributes: {} });

const TracesRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: Resource,
        scopeSpans: z
          .array(
            z.object({
              spans: z
                .array(
                  z.object({
                    name: z.string(),
                    traceId: z.string(),
                    spanId: z.string(),
                    parentSpanId: z.string().default(''),
                    kind: z.number().default(0),
                    attributes: KeyValues,
                    links: z.array(z.object({ traceId: z.string(), spanId: z.string() })).default([]),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

const NumberPoint = z.object({
  attributes: KeyValues,
  asDouble: z.number().optional(),
  asInt: z.union([z.string(), z.number()]).optional(),
});
const HistogramPoint = z.object({
  attributes: KeyValues,
  count: z.union([z.string(), z.number()]),
  sum: z.number().optional(),
});
const MetricsRequest = z.object({
  resourceMetrics: z
    .array(
      z.object({
        scopeMetrics: z
          .array(
            z.object({
              metrics: z
                .array(
                  z.object({
                    name: z.string(),
                    unit: z.string().default(''),
                    description: z.string().default(''),
                    sum: z.object({ dataPoints: z.array(NumberPoint).default([]) }).optional(),
                    gauge: z.object({ dataPoints: z.array(NumberPoint).default([]) }).optional(),
                    histogram: z.object({ dataPoints: z.array(HistogramPoint).default([]) }).optional(),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

/** The static message classes pbjs generated (decode from bytes, toObject to plain JSON). */
interface MessageClass {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: object): unknown;
}
const collector = (
  otlpRoot as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          trace: { v1: { ExportTraceServiceRequest: MessageClass } };
          metrics: { v1: { ExportMetricsServiceRequest: MessageClass } };
        };
      };
    };
  }
).opentelemetry.proto.collector;
const traceType = collector.trace.v1.ExportTraceServiceRequest;
const metricsType = collector.metrics.v1.ExportMetricsServiceRequest;
const asObject = { longs: String, bytes: String, defaults: false, arrays: true } as const;
const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  /** Requests that were not OTLP/HTTP protobuf, with what was wrong (the test expects none). */
  refused: string[];
  stop(): Promise<void>;
}

/**
 * A minimal OTLP/HTTP receiver (the collector's `otlphttp` protocol): POST /v1/traces and /v1/metrics with
 * `application/x-protobuf` bodies, decoded with OpenTelemetry's generated protobuf classes and kept in memory.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-protobuf')
          throw new Error(`${req.method} ${req.url} with content-type ${req.headers['content-type']}`);
        if (req.url === '/v1/traces') {
          const decoded = TracesRequest.parse(traceType.toObject(traceType.decode(body), asObject));
          for (const rs of decoded.resourceSpans)
            for (const ss of rs.scopeSpans)
              for (const s of ss.spans)
                spans.push({
                  name: s.name,
                  traceId: hex(s.traceId),
                  spanId: hex(s.spanId),
                  parentSpanId: s.parentSpanId ? hex(s.parentSpanId) : '',
                  kind: s.kind,
                  attributes: s.attributes,
                  links: s.links.map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
                  serviceName: String(rs.resource.attributes['service.name'] ?? ''),
                });
        } else if (req.url === '/v1/metrics') {
          const decoded = MetricsRequest.parse(metricsType.toObject(metricsType.decode(body), asObject));
          for (const rm of decoded.resourceMetrics)
            for (const sm of rm.scopeMetrics)
              for (const m of sm.metrics) {
                const type = m.sum ? 'sum' : m.gauge ? 'gauge' : m.histogram ? 'histogram' : 'other';
                const points = m.histogram
                  ? m.histogram.dataPoints.map((p) => ({ attributes: p.attributes, value: Number(p.count) }))
                  : (m.sum ?? m.gauge)?.dataPoints.map((p) => ({
                      attributes: p.attributes,
                      value: p.asDouble ?? Number(p.asInt ?? 0),
                    }));
                metrics.push({ name: m.name, unit: m.unit, description: m.description, type, points: points ?? [] });
              }
        } else throw new Error(`unknown path ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      } catch (e) {
        refused.push((e as Error).message);
        res.writeHead(400);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    refused,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
