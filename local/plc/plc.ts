/**
 * The plant simulator acting as the PLCs: takes commands from the broker, checks them, applies them to the potline
 * and acknowledges on the ack topic, so a set point the dispatcher sends shows in the next telemetry (closed loop).
 */
import { connectAsync, type MqttClient } from 'mqtt';
import {
  AckMessage,
  ackTopic,
  COMMAND_QOS,
  COMMAND_TOPIC_FILTER,
  CommandMessage,
  parseCommandTopic,
} from '../../shared/scada/mqtt-protocol.js';
import { sendSmallPacketsAtOnce } from '../../shared/scada/mqtt-gateway.js';
import { SimulatorError, type Potline } from '../simulator/index.js';

export interface PlcOptions {
  brokerUrl: string;
  potline: Potline;
  clientId?: string;
}

export interface PlcCounters {
  received: number;
  applied: number;
  refused: number;
  /** Messages that were not commands at all (bad JSON, topic and body disagree); nothing to acknowledge. */
  unreadable: number;
}

/** A command as it reached the PLC: which equipment, when (the PLC's clock), and what it answered. */
export interface ReceivedCommand {
  equipmentId: string;
  commandId: string;
  atMs: number;
  status: 'applied' | 'refused';
}

/** Commands the PLC remembers (the newest): enough for a test to ask what reached a cell. */
const RECEIVED_KEPT = 10_000;

export interface PlcHandle {
  counters(): PlcCounters;
  /** The commands that reached the PLC, oldest first (the last RECEIVED_KEPT). */
  received(): ReceivedCommand[];
  stop(): Promise<void>;
}

/** Connects to the broker and serves every `command/{equipmentId}/{action}` for the potline until stopped. */
export async function startPlc(o: PlcOptions): Promise<PlcHandle> {
  const client: MqttClient = await connectAsync(o.brokerUrl, {
    protocolVersion: 4,
    clean: true,
    ...(o.clientId ? { clientId: o.clientId } : {}),
  });
  sendSmallPacketsAtOnce(client);
  const counters: PlcCounters = { received: 0, applied: 0, refused: 0, unreadable: 0 };
  const received: ReceivedCommand[] = [];
  client.on('message', (topic, payload) => {
    counters.received++;
    const ack = handleCommand(o.potline, topic, payload, counters);
    if (!ack) return;
    received.push({
      equipmentId: parseCommandTopic(topic)!.equipmentId,
      commandId: ack.commandId,
      atMs: Date.now(),
      status: ack.status,
    });
    if (received.length > RECEIVED_KEPT) received.splice(0, received.length - RECEIVED_KEPT);
    const where = parseCommandTopic(topic)!;
    client.publish(ackTopic(where.equipmentId, where.action), JSON.stringify(AckMessage.parse(ack)), {
      qos: COMMAND_QOS,
    });
  });
  await client.subscribeAsync(COMMAND_TOPIC_FILTER, { qos: COMMAND_QOS });
  return { counters: () => ({ ...counters }), received: () => [...received], stop: () => client.endAsync() };
}

/** Validates and applies one command; returns the acknowledgement, or undefined when the message is not a command. */
export function handleCommand(
  potline: Potline,
  topic: string,
  payload: Buffer,
  counters: PlcCounters,
): AckMessage | undefined {
  const where = parseCommandTopic(topic);
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    body = undefined;
  }
  const parsed = CommandMessage.safeParse(body);
  if (!where || where.ack || !parsed.success) {
    counters.unreadable++;
    return undefined;
  }
  const c = parsed.data;
  const refuse = (code: string, message: string): AckMessage => {
    counters.refused++;
    return { status: 'refused', commandId: c.commandId, correlationId: c.correlationId, code, message };
  };
  if (c.equipmentId !== where.equipmentId || c.action !== where.action)
    return refuse(
      'PLC-TOPIC-MISMATCH',
      `topic names ${where.equipmentId}/${where.action}, body ${c.equipmentId}/${c.action}`,
    );
  try {
    const applied = potline.applySetPoint(c.equipmentId, c.setPoint);
    counters.applied++;
    return {
      status: 'applied',
      commandId: c.commandId,
      correlationId: c.correlationId,
      appliedAtMs: applied.appliedAtMs,
      applied: applied.applied,
      previous: applied.previous,
    };
  } catch (e) {
    if (e instanceof SimulatorError) return refuse(e.code, `${e.field}: ${e.message}`);
    throw e;
  }
}
