/**
 * Who may publish and subscribe what on the plant broker: the same rules the local broker enforces
 * (local/emulators/mqtt.ts) and the Event Grid namespace's permission bindings state in Azure (bicep/modules/
 * plant-mqtt.bicep). An edge node publishes only its own births, data and deaths and reads only its own commands;
 * only the platform's host writes commands (NCMD/DCMD) and its STATE; the ingress bridge and observers only read.
 */
import { z } from 'zod';
import { NAMESPACE } from './topic.js';

export const ClientRole = z.enum(['host', 'edge', 'bridge', 'observer']);
export type ClientRole = z.infer<typeof ClientRole>;

export const ClientIdentity = z.discriminatedUnion('role', [
  z.object({ role: z.literal('host'), hostId: z.string().min(1) }),
  z.object({ role: z.literal('edge'), edgeNodeId: z.string().min(1) }),
  z.object({ role: z.literal('bridge') }),
  z.object({ role: z.literal('observer') }),
]);
export type ClientIdentity = z.infer<typeof ClientIdentity>;

/** Topic filters (MQTT wildcards) each identity may publish to, in group `groupId`. */
export function publishFilters(who: ClientIdentity, groupId: string): string[] {
  const g = `${NAMESPACE}/${groupId}`;
  switch (who.role) {
    case 'host':
      return [`${NAMESPACE}/STATE/${who.hostId}`, `${g}/NCMD/+`, `${g}/DCMD/+/+`];
    case 'edge':
      return [
        `${g}/NBIRTH/${who.edgeNodeId}`,
        `${g}/NDEATH/${who.edgeNodeId}`,
        `${g}/NDATA/${who.edgeNodeId}`,
        `${g}/DBIRTH/${who.edgeNodeId}/+`,
        `${g}/DDEATH/${who.edgeNodeId}/+`,
        `${g}/DDATA/${who.edgeNodeId}/+`,
      ];
    case 'bridge':
    case 'observer':
      return [];
  }
}

/** Topic filters each identity may subscribe within (a subscription must not reach beyond one of them). */
export function subscribeFilters(who: ClientIdentity, groupId: string): string[] {
  const g = `${NAMESPACE}/${groupId}`;
  switch (who.role) {
    case 'host':
      return [`${NAMESPACE}/#`];
    case 'edge':
      return [`${g}/NCMD/${who.edgeNodeId}`, `${g}/DCMD/${who.edgeNodeId}/+`, `${NAMESPACE}/STATE/+`];
    case 'bridge':
      return [`${g}/#`];
    case 'observer':
      return [`${NAMESPACE}/#`];
  }
}

/** True when a concrete topic matches an MQTT filter. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when every topic `inner` can match is matched by `outer` (a subscription within a permission). */
export function filterWithin(inner: string, outer: string): boolean {
  const a = inner.split('/');
  const b = outer.split('/');
  for (let i = 0; i < a.length; i++) {
    if (b[i] === '#') return true;
    if (i >= b.length) return false;
    if (a[i] === '#') return false;
    if (b[i] === '+') continue;
    if (a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}

export function mayPublish(who: ClientIdentity, groupId: string, topic: string): boolean {
  if (topic.includes('+') || topic.includes('#')) return false;
  return publishFilters(who, groupId).some((f) => topicMatches(f, topic));
}

export function maySubscribe(who: ClientIdentity, groupId: string, filter: string): boolean {
  return subscribeFilters(who, groupId).some((f) => filterWithin(filter, f));
}
