/**
 * Sparkplug B 3.0 topic namespace (specification §4): `spBv1.0/<group>/<verb>/<edgeNode>[/<device>]` and the
 * Primary Host's `spBv1.0/STATE/<hostId>`. In this plant each line's pot controller is an edge node (`<line>-POTCTL`)
 * and each cell, and the line's rectifier (`<line>-LINE`), is one of its devices.
 */
import { z } from 'zod';
import { DEFAULT_SPARKPLUG_GROUP_ID, DEFAULT_SPARKPLUG_HOST_ID } from '../scada/settings.js';

export const NAMESPACE = 'spBv1.0';

export const NODE_VERBS = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export const DEVICE_VERBS = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export const Verb = z.enum([...NODE_VERBS, ...DEVICE_VERBS]);
export type Verb = z.infer<typeof Verb>;

/** Sparkplug identifiers are UTF-8 without the MQTT separators or wildcards (§4.1.1). */
const Identifier = z
  .string()
  .min(1)
  .regex(/^[^/+#]+$/, 'must not contain /, + or #');

export type SparkplugTopic =
  | { kind: 'state'; hostId: string }
  | { kind: 'node'; groupId: string; verb: (typeof NODE_VERBS)[number]; edgeNodeId: string }
  | { kind: 'device'; groupId: string; verb: (typeof DEVICE_VERBS)[number]; edgeNodeId: string; deviceId: string };

/** Parses a topic of the namespace; undefined for anything else (a topic we neither publish nor read). */
export function parseTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== NAMESPACE) return undefined;
  if (parts[1] === 'STATE') {
    return parts.length === 3 && Identifier.safeParse(parts[2]).success
      ? { kind: 'state', hostId: parts[2]! }
      : undefined;
  }
  if (parts.length < 4 || parts.length > 5 || !parts.slice(1).every((p) => Identifier.safeParse(p).success))
    return undefined;
  const [, groupId, verb, edgeNodeId, deviceId] = parts as [string, string, string, string, string | undefined];
  if ((NODE_VERBS as readonly string[]).includes(verb) && deviceId === undefined)
    return { kind: 'node', groupId, verb: verb as (typeof NODE_VERBS)[number], edgeNodeId };
  if ((DEVICE_VERBS as readonly string[]).includes(verb) && deviceId !== undefined)
    return { kind: 'device', groupId, verb: verb as (typeof DEVICE_VERBS)[number], edgeNodeId, deviceId };
  return undefined;
}

export function nodeTopic(groupId: string, verb: (typeof NODE_VERBS)[number], edgeNodeId: string): string {
  return `${NAMESPACE}/${groupId}/${verb}/${edgeNodeId}`;
}

export function deviceTopic(
  groupId: string,
  verb: (typeof DEVICE_VERBS)[number],
  edgeNodeId: string,
  deviceId: string,
): string {
  return `${NAMESPACE}/${groupId}/${verb}/${edgeNodeId}/${deviceId}`;
}

export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** The Sparkplug group and Primary Host id unless the settings say otherwise (SCADA_SPARKPLUG_*). */
export const DEFAULT_GROUP_ID = DEFAULT_SPARKPLUG_GROUP_ID;
export const DEFAULT_HOST_ID = DEFAULT_SPARKPLUG_HOST_ID;

/** The edge node (pot controller) that serves a line's cells and rectifier. */
export function edgeNodeOfLine(lineId: string): string {
  return `${lineId}-POTCTL`;
}

/** The line a pot controller serves: `L1-POTCTL` → `L1`; undefined for another id. */
export function lineOfEdgeNode(edgeNodeId: string): string | undefined {
  return edgeNodeId.endsWith('-POTCTL') ? edgeNodeId.slice(0, -'-POTCTL'.length) : undefined;
}

/** The STATE payload (§4: JSON, not protobuf, so it works across payload types). */
export const StatePayload = z.object({ online: z.boolean(), timestamp: z.number().int().nonnegative() });
export type StatePayload = z.infer<typeof StatePayload>;
