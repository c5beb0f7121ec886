/**
 * A plant MQTT message as Event Grid's broker routes it to Event Hubs: a CloudEvent in structured JSON, `type`
 * `MQTT.EventPublished`, `subject` the MQTT topic, the payload base64 in `data_base64` (an MQTT 3.1.1 message, or an
 * MQTT 5 message without the UTF-8 payload format indicator, which is what a Sparkplug protobuf is), plus the
 * routing enrichment `edgenode` (the publishing client's edge node id, bicep/modules/plant-mqtt-routing.bicep).
 */
import { z } from 'zod';

export const ROUTED_MQTT_EVENT_TYPE = 'MQTT.EventPublished';

export const RoutedMqttEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  type: z.literal(ROUTED_MQTT_EVENT_TYPE),
  /** The MQTT topic of the publish. */
  subject: z.string().min(1),
  /** When the broker received the message (ISO 8601). */
  time: z.string().datetime({ offset: true }).optional(),
  data_base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  /** The routing enrichment: the edge node the publishing client is. */
  edgenode: z.string().optional(),
});
export type RoutedMqttEvent = z.infer<typeof RoutedMqttEvent>;

/** One routed MQTT message, or why the event is not one. */
export type RoutedMessage =
  | { ok: true; topic: string; payload: Uint8Array; receivedMs: number | undefined; publisher: string | undefined }
  | { ok: false; reason: string };

/** Reads one Event Hub body of the routed hub (bytes or text of the CloudEvent JSON); never throws. */
export function routedMessageOf(body: Uint8Array | string): RoutedMessage {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the event body is not JSON: not a CloudEvent routed by the plant broker' };
  }
  const parsed = RoutedMqttEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not a routed MQTT message: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`,
    };
  }
  const e = parsed.data;
  const receivedMs = e.time ? Date.parse(e.time) : undefined;
  return {
    ok: true,
    topic: e.subject,
    payload: new Uint8Array(Buffer.from(e.data_base64, 'base64')),
    receivedMs,
    publisher: e.edgenode,
  };
}
