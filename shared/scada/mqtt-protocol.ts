/**
 * What travels on the plant broker between the gateway and the PLCs (issue 6): a command on
 * `command/{equipmentId}/{action}` (QoS 1) and its acknowledgement on `command/{equipmentId}/{action}/ack`, both JSON,
 * tied by the correlation id. Shared by the gateway and the simulator-PLC, so the two cannot drift.
 */
import { z } from 'zod';
import { parseJsonWithin, type JsonLimits } from '../kernel/json-limits.js';
import { CommandAction, EquipmentId, PresentValues, SetPointValues } from '../plant/set-point.js';

/**
 * Limits of a command or ack payload, checked before it is parsed: both are a few hundred bytes and 3 levels deep,
 * and anyone allowed on the broker could otherwise send the one that exhausts its reader.
 */
export const PAYLOAD_LIMITS: JsonLimits = { maxBytes: 65_536, maxDepth: 8, maxEntries: 1000 };

/** A command or ack payload as JSON, or undefined when it is not JSON or breaks PAYLOAD_LIMITS (never throws). */
export function payloadJson(payload: Uint8Array): unknown {
  if (payload.byteLength > PAYLOAD_LIMITS.maxBytes) return undefined;
  const read = parseJsonWithin(Buffer.from(payload).toString('utf8'), PAYLOAD_LIMITS);
  return read.ok ? read.value : undefined;
}

/** MQTT QoS for commands and acks: at least once (MQTT 3.1.1 §4.3.2); the PLC applies absolute values, so a repeat is harmless. */
export const COMMAND_QOS = 1;

/** Topic a command is published on. */
export function commandTopic(equipmentId: string, action: string): string {
  return `command/${equipmentId}/${action}`;
}

/** Topic the PLC acknowledges a command on (the command's topic + `/ack`). */
export function ackTopic(equipmentId: string, action: string): string {
  return `${commandTopic(equipmentId, action)}/ack`;
}

/** Subscription filter for every command (the PLC side) and every ack (the gateway side). */
export const COMMAND_TOPIC_FILTER = 'command/+/+';
export const ACK_TOPIC_FILTER = 'command/+/+/ack';

/** Splits `command/{equipmentId}/{action}` (with or without `/ack`); undefined for other topics. */
export function parseCommandTopic(topic: string): { equipmentId: string; action: string; ack: boolean } | undefined {
  const parts = topic.split('/');
  if (parts[0] !== 'command' || parts.length < 3 || parts.length > 4 || (parts.length === 4 && parts[3] !== 'ack'))
    return undefined;
  return { equipmentId: parts[1]!, action: parts[2]!, ack: parts.length === 4 };
}

export const CommandMessage = z.object({
  commandId: z.string().min(1),
  /** Unique per attempt: `{commandId}/{attempt}`. */
  correlationId: z.string().min(1),
  equipmentId: EquipmentId,
  action: CommandAction,
  setPoint: SetPointValues,
  issuedAtMs: z.number(),
});
export type CommandMessage = z.infer<typeof CommandMessage>;

export const AckMessage = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('applied'),
    commandId: z.string(),
    correlationId: z.string(),
    /** Plant time the PLC applied it, epoch ms. */
    appliedAtMs: z.number(),
    applied: PresentValues,
    previous: PresentValues,
  }),
  z.object({
    status: z.literal('refused'),
    commandId: z.string(),
    correlationId: z.string(),
    code: z.string(),
    message: z.string(),
  }),
]);
export type AckMessage = z.infer<typeof AckMessage>;

/** Correlation id of attempt `attempt` of a command. */
export function correlationIdOf(commandId: string, attempt: number): string {
  return `${commandId}/${attempt}`;
}
