import { createHash, randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { z } from 'zod';
import { EVENT_TYPE_PROPERTY } from './subscriptions.js';
import { DomainError } from '../kernel/errors.js';

/** CloudEvents spec version this contract speaks (cloudevents.io, CloudEvents 1.0). */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
/** `datacontenttype` of every plant event: `data` is a JSON value. */
export const PLANT_EVENT_DATA_CONTENT_TYPE = 'application/json';
/**
 * Content type of a message whose body is a whole CloudEvent in JSON (structured mode; CloudEvents AMQP protocol
 * binding 1.0, §3.2). Consumers parse the body with `PlantEvent`.
 */
export const CLOUDEVENT_STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** Names `smelter.<noun>.<verb>` (DESIGN §4). */
const PlantEventTypeName = z
  .string()
  .regex(/^smelter\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'must read smelter.<noun>.<verb>');

/** A plant event as it travels on the `plant-events` topic: a CloudEvents 1.0 JSON envelope (DESIGN §4). */
export const PlantEvent = z.object({
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION),
  id: z.string().min(1).max(128),
  /** URI-reference of the producer, e.g. `/functions/optimizationRun`. */
  source: z.string().min(1),
  type: PlantEventTypeName,
  /** What the event is about inside the source: a cell, a line, a run id. */
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal(PLANT_EVENT_DATA_CONTENT_TYPE),
  data: z.unknown(),
  /** Extension attribute (lower-case per the spec's naming rule): ties every event of one run or request together. */
  correlationid: z.string().min(1).optional(),
  /**
   * CloudEvents Distributed Tracing extension: the W3C trace context of the span that published the event, so the
   * consumer's span continues the producer's trace (run → Service Bus → dispatch is one trace).
   */
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
  tracestate: z.string().optional(),
});
export type PlantEvent = z.infer<typeof PlantEvent>;

export interface CloudEventOptions {
  /**
   * An idempotency key. Given one, the event id is derived from (type, source, subject, key), so a retried producer
   * (an activity replayed, a redelivered message) publishes the same id and every consumer drops the duplicate.
   * Without it the id is random: use that only where a second copy is harmless.
   */
  id?: string;
  source: string;
  correlationId?: string;
  /** Event time; default now. Orchestrations pass their replay-safe current time. */
  time?: Date | string;
}

export class CloudEventError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super('invalid-input', 'ERR-CLOUDEVENT', `CloudEvent ${field} ${detail}`, field);
  }
}

/** The same id for the same (type, source, subject, key), as a UUID-shaped string (SHA-256 based, RFC 9562 version 8 layout). */
export function deterministicEventId(type: string, source: string, subject: string, key: string): string {
  const hex = createHash('sha256').update([type, source, subject, key].join('\n')).digest('hex');
  // Version 8 (custom) and the RFC variant bits, so the id reads as a valid UUID to tools that check.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Builds a validated plant event; throws CloudEventError naming the field when the result breaks the contract. */
export function cloudEvent(type: string, subject: string, data: unknown, options: CloudEventOptions): PlantEvent {
  const time =
    options.time === undefined
      ? new Date().toISOString()
      : typeof options.time === 'string'
        ? options.time
        : options.time.toISOString();
  const candidate = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: options.id === undefined ? randomUUID() : deterministicEventId(type, options.source, subject, options.id),
    source: options.source,
    type,
    subject,
    time,
    datacontenttype: PLANT_EVENT_DATA_CONTENT_TYPE,
    data,
    ...(options.correlationId !== undefined ? { correlationid: options.correlationId } : {}),
  };
  return parsePlantEvent(candidate);
}

/** Parses a value (a message body) into a PlantEvent; throws CloudEventError naming the first bad field. */
export function parsePlantEvent(value: unknown): PlantEvent {
  const parsed = PlantEvent.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CloudEventError(issue?.path.join('.') || '(root)', issue?.message ?? 'is invalid');
  }
  return parsed.data;
}

/**
 * A plant event as a Service Bus message: body = the whole CloudEvent (structured mode), messageId = event id (so
 * duplicate detection drops a re-send), the `type` application property the subscription SQL filters read,
 * subject and correlationId copied for tracing. Shape of `ServiceBusMessage` in @azure/service-bus, without the SDK.
 */
export interface PlantEventMessage {
  body: PlantEvent;
  messageId: string;
  contentType: string;
  subject: string;
  correlationId?: string;
  applicationProperties: Record<string, string>;
}

/**
 * The message every publisher sends for `event` (Azure sender and the devhost topic alike). An event without a trace
 * context gets the publishing span's (when one is recorded), in the body and as the `Diagnostic-Id` property Service
 * Bus tooling reads.
 */
export function toServiceBusMessage(event: PlantEvent): PlantEventMessage {
  let traced = event;
  if (!event.traceparent) {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    if (carrier.traceparent)
      traced = {
        ...event,
        traceparent: carrier.traceparent,
        ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
      };
  }
  return {
    body: traced,
    messageId: event.id,
    contentType: CLOUDEVENT_STRUCTURED_CONTENT_TYPE,
    subject: event.subject,
    ...(event.correlationid !== undefined ? { correlationId: event.correlationid } : {}),
    applicationProperties: {
      [EVENT_TYPE_PROPERTY]: event.type,
      ...(traced.traceparent ? { [DIAGNOSTIC_ID_PROPERTY]: traced.traceparent } : {}),
    },
  };
}

/** Application property Service Bus uses for the W3C trace context of a message (learn.microsoft.com, "Service Bus end-to-end tracing"). */
export const DIAGNOSTIC_ID_PROPERTY = 'Diagnostic-Id';
