import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokerPermissions, EDGE_NODE_ATTRIBUTE_TEMPLATE } from '../../shared/sparkplug/broker-permissions.js';
import { mayPublish, topicMatches } from '../../shared/sparkplug/permissions.js';
import { GENERATED_PLANT_MQTT } from './generated-inputs.js';

const bicep = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bicep');
const read = (rel: string) => readFileSync(path.join(bicep, rel), 'utf8');
const permissions = brokerPermissions('smelter', 'smelter-platform');
const spaces = new Map(permissions.topicSpaces.map((t) => [t.name, t.templates]));
const publishable = (group: string) =>
  permissions.bindings
    .filter((b) => b.clientGroup === group && b.permission === 'Publisher')
    .flatMap((b) => spaces.get(b.topicSpace)!);

describe('plant broker in Azure (Event Grid namespace MQTT) against the code', () => {
  it('lets an edge node publish only its own births, data and deaths, named by its own client attribute', () => {
    const templates = publishable('edge-nodes');
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      const [, , verb, node] = t.split('/');
      expect(['NBIRTH', 'NDEATH', 'NDATA', 'DBIRTH', 'DDEATH', 'DDATA']).toContain(verb);
      expect(node).toBe(EDGE_NODE_ATTRIBUTE_TEMPLATE);
    }
  });

  it('lets only the platform host publish commands (NCMD/DCMD) and its STATE', () => {
    const command = ['spBv1.0/smelter/DCMD/L1-POTCTL/L1-C001', 'spBv1.0/smelter/NCMD/L1-POTCTL'];
    for (const group of permissions.clientGroups.map((g) => g.name)) {
      const mayCommand = command.some((topic) => publishable(group).some((f) => topicMatches(f, topic)));
      expect(mayCommand, group).toBe(group === 'platform-host');
    }
    expect(publishable('platform-host')).toContain('spBv1.0/STATE/smelter-platform');
    // The local broker enforces the same rule (shared/sparkplug/permissions.ts).
    expect(mayPublish({ role: 'edge', edgeNodeId: 'L1-POTCTL' }, 'smelter', command[0]!)).toBe(false);
    expect(mayPublish({ role: 'host', hostId: 'smelter-platform' }, 'smelter', command[0]!)).toBe(true);
  });

  it('binds every topic space to a client group the namespace defines, by the role attribute its clients carry', () => {
    const groups = new Set(permissions.clientGroups.map((g) => g.name));
    for (const b of permissions.bindings) {
      expect(groups.has(b.clientGroup), b.name).toBe(true);
      expect(spaces.has(b.topicSpace), b.name).toBe(true);
    }
    const module = read('modules/plant-mqtt.bicep');
    for (const g of permissions.clientGroups) {
      const role = /attributes\.role = '(\w+)'/.exec(g.query)![1];
      expect(module, `a client with role ${role}`).toContain(`role: '${role}'`);
    }
    expect(module).toContain("attributes: { role: 'edge', edgeNodeId: e.edgeNodeId }");
  });

  it('builds topic spaces, groups and bindings from the generated file, not from a copy', () => {
    const module = read('modules/plant-mqtt.bicep');
    expect(module).toContain(`loadJsonContent('../${GENERATED_PLANT_MQTT}')`);
    for (const kind of ['clientGroups', 'topicSpaces', 'permissionBindings'])
      expect(module).toMatch(
        new RegExp(`'Microsoft\\.EventGrid/namespaces/${kind}@[^']+' = \\[for \\w+ in permissions\\.`),
      );
    expect(JSON.parse(read(GENERATED_PLANT_MQTT))).toEqual(permissions);
  });

  it('authenticates clients by certificate thumbprint or CA chain, never by key', () => {
    const module = read('modules/plant-mqtt.bicep');
    expect(module).toContain("validationScheme: 'ThumbprintMatch', allowedThumbprints: thumbprints");
    expect(module).toContain("validationScheme: 'SubjectMatchesAuthenticationName'");
    expect(module).not.toMatch(/listKeys|sharedAccess/i);
  });

  it('routes every message to a provisioned Event Hub with the namespace identity, partitioned by edge node', () => {
    const main = read('main.bicep');
    const module = read('modules/plant-mqtt.bicep');
    const routing = read('modules/plant-mqtt-routing.bicep');
    expect(main).toMatch(/module plantMqtt 'modules\/plant-mqtt\.bicep'/);
    expect(main).toMatch(/routedHubName: plantMqttHubName/);
    // The routed hub is one of the hubs the Event Hubs module provisions.
    expect(main).toMatch(/name: plantMqttHubName,?\s/);
    expect(module).toContain("endpointType: 'EventHub'");
    expect(module).toContain("identity: { type: 'SystemAssigned' }");
    expect(module).toContain("var dataSenderRoleId = '2b629674-e913-4c01-ae53-ef4638d8f975'");
    const key = /dynamic: \[ \{ key: '(\w+)'/.exec(routing)?.[1];
    expect(key).toBeDefined();
    expect(module).toContain(`{ name: 'PartitionKey', type: 'Dynamic', properties: { sourceField: '${key}' } }`);
    expect(routing).toContain("value: '\\${client.attributes.edgeNodeId}'");
  });

  it('points the Primary Host at the namespace broker, authenticated by its client certificate', () => {
    const main = read('main.bicep');
    expect(main).toContain("SCADA_MQTT_URL: empty(mqttBrokerUrl) ? 'mqtts://${plantMqtt.outputs.mqttHostname}:8883'");
    expect(main).toMatch(/SCADA_MQTT_CLIENT_CERT: empty\(mqttBrokerUrl\) \? '@Microsoft\.KeyVault/);
    expect(main).toMatch(/SCADA_MQTT_USERNAME: empty\(mqttBrokerUrl\) \? 'platform-host'/);
  });
});
