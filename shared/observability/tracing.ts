/**
 * Spans through the OpenTelemetry API only (the SDK and the exporters are wired in shared/azure/telemetry-setup.ts):
 * without a registered SDK every call here is a cheap no-op, so domain code traces unconditionally.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { z } from 'zod';
import { METER_NAME } from './instruments.js';

export { SpanKind };
export type { Span };

/** Span attribute keys the app sets; ops filter traces on them in Application Insights (customDimensions). */
export const SPAN_ATTRIBUTES = {
  /** The correlation id of a run or request: the same on every span and event of it (DESIGN §4, `correlationid`). */
  correlationId: 'smelter.correlation_id',
  runId: 'smelter.run_id',
  lineId: 'smelter.line_id',
  partition: 'messaging.destination.partition.id',
  firstSeq: 'smelter.ingest.first_seq',
  lastSeq: 'smelter.ingest.last_seq',
  eventCount: 'messaging.batch.message_count',
} as const;

const tracer = () => trace.getTracer(METER_NAME);

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** The parent; default the active context (the invocation's, or the caller's span). */
  parent?: Context;
  links?: Link[];
}

/**
 * Runs `fn` inside a new span that ends when `fn` settles; a throw marks the span as failed (with the message) and
 * is rethrown unchanged.
 */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    {
      ...(opts.attributes ? { attributes: opts.attributes } : {}),
      ...(opts.kind !== undefined ? { kind: opts.kind } : {}),
      ...(opts.links ? { links: opts.links } : {}),
    },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** The active span's context as a W3C `traceparent` (and `tracestate`), to carry in a message; undefined when not traced. */
export function currentTraceParent(): { traceparent: string; tracestate?: string } | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return undefined;
  return { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) };
}

/** A context whose parent is the span a `traceparent` names (a message's producer), or the active one without it. */
export function contextFromTraceParent(traceparent: string | undefined, tracestate?: string): Context {
  if (!traceparent) return context.active();
  return propagation.extract(ROOT_CONTEXT, { traceparent, ...(tracestate ? { tracestate } : {}) });
}

/** A link to the active span (the invocation), for a span whose parent came from elsewhere. */
export function linkToActive(): Link[] {
  const span = trace.getSpan(context.active());
  return span ? [{ context: span.spanContext() }] : [];
}

/**
 * A trace context carried inside data that outlives a call (an orchestration's input and its activities' inputs):
 * W3C `traceparent` / `tracestate`, and the correlation id every span of the work carries.
 */
export const TraceCarrier = z.object({
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent'),
  tracestate: z.string().optional(),
  correlationId: z.string().optional(),
});
export type TraceCarrier = z.infer<typeof TraceCarrier>;

/** The active span as a carrier (undefined when nothing is traced). */
export function currentTraceCarrier(correlationId?: string): TraceCarrier | undefined {
  const t = currentTraceParent();
  return t ? { ...t, ...(correlationId ? { correlationId } : {}) } : undefined;
}

/**
 * Runs `fn` in a span whose parent is the carrier's (or the active context without one), linked to the active span
 * when the parent came from the carrier, with the carrier's correlation id as an attribute.
 */
export function inCarriedSpan<T>(
  name: string,
  carrier: TraceCarrier | undefined,
  opts: Omit<SpanOptions, 'parent'>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return inSpan(
    name,
    {
      ...opts,
      attributes: {
        ...(carrier?.correlationId ? { [SPAN_ATTRIBUTES.correlationId]: carrier.correlationId } : {}),
        ...opts.attributes,
      },
      ...(carrier
        ? { parent: contextFromTraceParent(carrier.traceparent, carrier.tracestate), links: linkToActive() }
        : {}),
    },
    fn,
  );
}
