/**
 * The plant broker's permissions as Event Grid states them: client groups by role, topic spaces of topic templates
 * (the same rules as shared/sparkplug/permissions.ts, with the edge node's own id taken from the client's
 * `edgeNodeId` attribute), and which group may publish or subscribe in which space. Generated into
 * bicep/shared-generated/plant-mqtt.json, which bicep/modules/plant-mqtt.bicep loads.
 */
import { publishFilters, subscribeFilters, type ClientIdentity } from './permissions.js';

/** Event Grid's substitution for a client attribute in a topic template. */
export const EDGE_NODE_ATTRIBUTE_TEMPLATE = '${client.attributes.edgeNodeId}';

export interface BrokerPermissions {
  groupId: string;
  hostId: string;
  clientGroups: { name: string; query: string }[];
  topicSpaces: { name: string; templates: string[] }[];
  bindings: { name: string; clientGroup: string; topicSpace: string; permission: 'Publisher' | 'Subscriber' }[];
}

export function brokerPermissions(groupId: string, hostId: string): BrokerPermissions {
  const roles: { group: string; role: string; who: ClientIdentity }[] = [
    { group: 'edge-nodes', role: 'edge', who: { role: 'edge', edgeNodeId: EDGE_NODE_ATTRIBUTE_TEMPLATE } },
    { group: 'platform-host', role: 'host', who: { role: 'host', hostId } },
    { group: 'observers', role: 'observer', who: { role: 'observer' } },
  ];
  const out: BrokerPermissions = { groupId, hostId, clientGroups: [], topicSpaces: [], bindings: [] };
  for (const r of roles) {
    out.clientGroups.push({ name: r.group, query: `attributes.role = '${r.role}'` });
    for (const [kind, permission, templates] of [
      ['publish', 'Publisher', publishFilters(r.who, groupId)],
      ['subscribe', 'Subscriber', subscribeFilters(r.who, groupId)],
    ] as const) {
      if (templates.length === 0) continue;
      const name = `${r.group}-${kind}`;
      out.topicSpaces.push({ name, templates });
      out.bindings.push({ name, clientGroup: r.group, topicSpace: name, permission });
    }
  }
  return out;
}
