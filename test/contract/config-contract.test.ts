import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertSettings } from '../../shared/alerts/settings.js';
import { ConfidentialLedgerSettings } from '../../shared/azure/confidential-ledger.js';
import { Settings } from '../../shared/config/settings.js';
import { ScadaSettings } from '../../shared/scada/settings.js';
import { checkConfigContract, type ContractInputs, type Finding, type ResolvedBinding } from './config-contract.js';
import { generatedBicepInputs, GENERATED_CONTAINERS, GENERATED_MESSAGING } from './generated-inputs.js';
import { loadContractInputs, settingsOf } from './load-contract-inputs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let real: ContractInputs;

beforeAll(async () => {
  real = await loadContractInputs(repoRoot);
});

/** A deep copy of the real inputs, to break one link in. */
const copy = (): ContractInputs => structuredClone(real);

/** Replaces text in a bicep/ file, failing loudly if the text is not there (so a case never passes vacuously). */
function edit(inputs: ContractInputs, file: string, from: string | RegExp, to: string): void {
  const before = inputs.bicepFiles[file];
  expect(before, `bicep/${file} exists`).toBeDefined();
  const after = before!.replace(from, to);
  expect(after, `edit of bicep/${file} changed something`).not.toBe(before);
  inputs.bicepFiles[file] = after;
}

const codes = (findings: Finding[]): string[] => findings.map((f) => `${f.code}:${f.subject}`);

/** A trigger declaration of a probe function (unnamed, so the staging-slot check leaves it to its own cases). */
function binding(
  options: ResolvedBinding['options'],
  kind = 'serviceBusTopic',
  settingRefs: string[] = [],
): ResolvedBinding {
  return { role: 'trigger', kind, file: 'functions/probe.ts', options, settingRefs };
}

/** A registered function: `app.<kind>('<name>', …)`. */
function registration(
  name: string,
  kind: string,
  options: ResolvedBinding['options'] = {},
  settingRefs: string[] = [],
): ResolvedBinding {
  return { ...binding(options, kind, settingRefs), functionName: name };
}

describe('config contract on this checkout', () => {
  it('finds code and bicep/ in agreement', () => {
    expect(checkConfigContract(real)).toEqual([]);
  });

  it('reads the settings schema live, including settings added after this test was written', () => {
    expect(real.settings.map((s) => s.name)).toEqual(Object.keys(Settings.shape));
  });

  it("reads modules' own settings schemas too (SCADA, alerts, Confidential Ledger)", () => {
    const bySchema = (name: string) =>
      real.moduleSettings.filter((s) => s.schema.startsWith(`${name} `)).map((s) => s.name);
    expect(bySchema('ScadaSettings')).toEqual(Object.keys(ScadaSettings.shape));
    expect(bySchema('AlertSettings')).toEqual(Object.keys(AlertSettings.shape));
    expect(bySchema('ConfidentialLedgerSettings')).toEqual(Object.keys(ConfidentialLedgerSettings.shape));
  });

  it('reads %SETTING% references in binding options it does not otherwise check (a timer schedule)', () => {
    const curation = real.bindings.find((b) => b.functionName === 'goldCuration');
    expect(curation?.settingRefs).toEqual(['CURATION_SCHEDULE']);
  });

  it('finds the committed generated Bicep inputs identical to what the code generates', () => {
    for (const [file, text] of Object.entries(generatedBicepInputs()))
      expect(real.bicepFiles[file], `bicep/${file}`).toBe(text);
  });
});

describe('config contract reports each broken link', () => {
  it('a required setting (no default) that main.bicep does not set', () => {
    const inputs = copy();
    inputs.settings = settingsOf(Settings.extend({ MQTT_CA_BUNDLE: z.string().min(1) }));
    expect(codes(checkConfigContract(inputs))).toEqual([
      'SETTING_NOT_SET:MQTT_CA_BUNDLE',
      'LOCAL_SETTING_MISSING:MQTT_CA_BUNDLE',
    ]);
  });

  it('accepts an identity-based form for a required connection setting', () => {
    const inputs = copy();
    inputs.settings = settingsOf(Settings.extend({ ServiceBusConnection: z.string().min(1) }));
    inputs.localSettings = {
      Values: { ...(real.localSettings as { Values: object }).Values, ServiceBusConnection: 'devhost' },
    };
    expect(checkConfigContract(inputs)).toEqual([]);
  });

  it("a trigger's connection that main.bicep sets in no form", () => {
    const inputs = copy();
    edit(inputs, 'main.bicep', /^\s*EventHubConnection__fullyQualifiedNamespace:.*$/m, '');
    expect(codes(checkConfigContract(inputs))).toEqual(['CONNECTION_NOT_SET:EventHubConnection']);
  });

  it('a %SETTING% a binding refers to that main.bicep does not set (defaults in zod do not reach bindings)', () => {
    const inputs = copy();
    edit(inputs, 'main.bicep', /^\s*TELEMETRY_CONSUMER_GROUP:.*$/m, '');
    expect(codes(checkConfigContract(inputs))).toEqual(['BINDING_SETTING_NOT_SET:TELEMETRY_CONSUMER_GROUP']);
  });

  it('an event hub a trigger reads that is not provisioned', () => {
    const inputs = copy();
    inputs.bindings.push(
      binding({ connection: { value: 'EventHubConnection' }, eventHubName: { value: 'pot-pressure' } }, 'eventHub'),
    );
    expect(codes(checkConfigContract(inputs))).toEqual(['HUB_NOT_PROVISIONED:pot-pressure']);
  });

  it('a consumer group a trigger reads that is not provisioned', () => {
    const inputs = copy();
    edit(
      inputs,
      'main.bicep',
      'consumerGroups: [ ingestConsumerGroup, alertsConsumerGroup, readbackConsumerGroup, liveConsumerGroup ]',
      'consumerGroups: [ alertsConsumerGroup, readbackConsumerGroup, liveConsumerGroup ]',
    );
    expect(codes(checkConfigContract(inputs))).toEqual(['CONSUMER_GROUP_NOT_PROVISIONED:telemetry/ingest']);
  });

  it('a topic or subscription a trigger names that is not provisioned', () => {
    const inputs = copy();
    inputs.bindings.push(
      binding({
        connection: { value: 'ServiceBusConnection' },
        topicName: { value: 'plant-events' },
        subscriptionName: { value: 'maintenance' },
      }),
    );
    inputs.bindings.push(
      binding({
        connection: { value: 'ServiceBusConnection' },
        topicName: { value: 'plant-alarms' },
        subscriptionName: { value: 'scada' },
      }),
    );
    inputs.localSettings = {
      Values: { ...(real.localSettings as { Values: object }).Values, ServiceBusConnection: 'devhost' },
    };
    expect(codes(checkConfigContract(inputs))).toEqual([
      'SUBSCRIPTION_NOT_PROVISIONED:maintenance',
      'TOPIC_NOT_PROVISIONED:plant-alarms',
    ]);
  });

  it('a topic name read through %SETTING% resolves against the value main.bicep sets', () => {
    const inputs = copy();
    inputs.bindings.push(
      binding({
        connection: { value: 'ServiceBusConnection' },
        topicName: { value: '%PLANT_EVENTS_TOPIC%' },
        subscriptionName: { value: 'ledger' },
      }),
    );
    edit(
      inputs,
      'main.bicep',
      /^(\s*)TELEMETRY_HUB: telemetryHubName$/m,
      "$1TELEMETRY_HUB: telemetryHubName\n$1PLANT_EVENTS_TOPIC: 'plant-events'",
    );
    inputs.localSettings = {
      Values: {
        ...(real.localSettings as { Values: object }).Values,
        PLANT_EVENTS_TOPIC: 'plant-events',
        ServiceBusConnection: 'devhost',
      },
    };
    expect(checkConfigContract(inputs)).toEqual([]);
  });

  it('a Cosmos container the code declares that Bicep does not provision', () => {
    const inputs = copy();
    const contract = JSON.parse(inputs.bicepFiles[GENERATED_CONTAINERS]!) as { cosmosContainers: { name: string }[] };
    contract.cosmosContainers = contract.cosmosContainers.filter((c) => c.name !== 'audit');
    inputs.bicepFiles[GENERATED_CONTAINERS] = JSON.stringify(contract);
    expect(codes(checkConfigContract(inputs))).toEqual(['COSMOS_CONTAINER_MISSING:audit']);
  });

  it('a Cosmos container a binding names that Bicep does not provision', () => {
    const inputs = copy();
    inputs.bindings.push(
      binding(
        {
          connection: { value: 'CosmosConnection' },
          databaseName: { value: 'smelter' },
          containerName: { value: 'leases' },
        },
        'cosmosDB',
      ),
    );
    edit(
      inputs,
      'main.bicep',
      /^(\s*)COSMOS_ENDPOINT: cosmos.outputs.endpoint$/m,
      '$1COSMOS_ENDPOINT: cosmos.outputs.endpoint\n$1CosmosConnection__accountEndpoint: cosmos.outputs.endpoint',
    );
    inputs.localSettings = {
      Values: {
        ...(real.localSettings as { Values: object }).Values,
        CosmosConnection: 'AccountEndpoint=http://127.0.0.1:8081/',
      },
    };
    expect(codes(checkConfigContract(inputs))).toEqual(['COSMOS_CONTAINER_MISSING:leases']);
  });

  it('a lake container the code declares that Bicep does not provision', () => {
    const inputs = copy();
    const contract = JSON.parse(inputs.bicepFiles[GENERATED_CONTAINERS]!) as { lakeContainers: string[] };
    contract.lakeContainers = contract.lakeContainers.filter((c) => c !== 'quarantine');
    inputs.bicepFiles[GENERATED_CONTAINERS] = JSON.stringify(contract);
    expect(codes(checkConfigContract(inputs))).toEqual(['LAKE_CONTAINER_MISSING:quarantine']);
  });

  it('a Service Bus filter in Bicep that differs from the code', () => {
    const inputs = copy();
    const messaging = JSON.parse(inputs.bicepFiles[GENERATED_MESSAGING]!) as {
      subscriptions: { name: string; sqlFilter: string }[];
    };
    messaging.subscriptions[0]!.sqlFilter = "type IN ('smelter.setpoint.recommended')";
    inputs.bicepFiles[GENERATED_MESSAGING] = JSON.stringify(messaging);
    expect(codes(checkConfigContract(inputs))).toEqual(['SUBSCRIPTION_DIFFERS:scada.sqlFilter']);
  });

  it('a max delivery count in Bicep that differs from the code', () => {
    const inputs = copy();
    inputs.messaging.subscriptions[1]!.maxDeliveryCount = 5;
    expect(codes(checkConfigContract(inputs))).toEqual(['SUBSCRIPTION_DIFFERS:ledger.maxDeliveryCount']);
  });

  it('filters written into main.bicep instead of loaded from the generated file', () => {
    const inputs = copy();
    edit(
      inputs,
      'main.bicep',
      "var messaging = loadJsonContent('shared-generated/messaging.json')",
      "var messaging = { topic: 'plant-events', subscriptions: [] }",
    );
    const found = codes(checkConfigContract(inputs));
    expect(found[0]).toBe('BICEP_CONTRACT_MISSING:messaging');
    // With no subscriptions provisioned, every Service Bus trigger's subscription is reported missing too.
    expect(
      found
        .slice(1)
        .every((c) => c.startsWith('TOPIC_NOT_PROVISIONED:') || c.startsWith('SUBSCRIPTION_NOT_PROVISIONED:')),
    ).toBe(true);
  });

  it('a setting missing from local.settings.example.json', () => {
    const inputs = copy();
    const values = { ...(real.localSettings as { Values: Record<string, string> }).Values };
    delete values.TELEMETRY_HUB;
    inputs.localSettings = { Values: values };
    expect(codes(checkConfigContract(inputs))).toEqual(['LOCAL_SETTING_MISSING:TELEMETRY_HUB']);
  });

  it('a health check path outside host.json routePrefix', () => {
    const inputs = copy();
    const host = real.hostJson as { extensions: Record<string, unknown> };
    inputs.hostJson = { ...host, extensions: { ...host.extensions, http: { routePrefix: 'api' } } };
    expect(codes(checkConfigContract(inputs))).toEqual(['ROUTE_PREFIX_MISMATCH:healthCheckPath']);
  });

  it('a binding option the check cannot resolve', () => {
    const inputs = copy();
    inputs.bindings.push(binding({ eventHubName: { unresolved: 'hubFor(line)' } }, 'eventHub'));
    expect(codes(checkConfigContract(inputs))).toEqual(['BINDING_UNRESOLVED:functions/probe.ts#eventHubName']);
  });

  it("a required setting of a module's own schema that main.bicep does not set", () => {
    const inputs = copy();
    edit(inputs, 'main.bicep', /^\s*SCADA_MQTT_URL:.*$/m, '');
    const findings = checkConfigContract(inputs);
    expect(codes(findings)).toEqual(['SETTING_NOT_SET:SCADA_MQTT_URL']);
    expect(findings[0]!.message).toContain('ScadaSettings in shared/scada/settings.ts');
  });

  it('a setting main.bicep sets under a name the code does not read, naming the one it does', () => {
    const inputs = copy();
    edit(
      inputs,
      'main.bicep',
      'CONFIDENTIAL_LEDGER_ENDPOINT: ledger.outputs.ledgerUri',
      'LEDGER_ENDPOINT: ledger.outputs.ledgerUri',
    );
    const findings = checkConfigContract(inputs);
    expect(codes(findings)).toEqual(['SETTING_NOT_SET:CONFIDENTIAL_LEDGER_ENDPOINT', 'SETTING_UNUSED:LEDGER_ENDPOINT']);
    expect(findings[1]!.message).toContain('the code reads CONFIDENTIAL_LEDGER_ENDPOINT');
  });

  it('accepts platform settings and identity-based connection options the code itself never reads', () => {
    const inputs = copy();
    edit(
      inputs,
      'main.bicep',
      /^(\s*)FUNCTIONS_EXTENSION_VERSION: '~4'$/m,
      "$1FUNCTIONS_EXTENSION_VERSION: '~4'\n$1WEBSITE_TIME_ZONE: 'UTC'\n$1EventHubConnection__consumerGroup: 'ingest'",
    );
    expect(checkConfigContract(inputs)).toEqual([]);
  });

  it('a %SETTING% in a timer schedule that main.bicep does not set', () => {
    const inputs = copy();
    edit(inputs, 'main.bicep', /^\s*CURATION_SCHEDULE:.*$/m, '');
    expect(codes(checkConfigContract(inputs))).toEqual(['BINDING_SETTING_NOT_SET:CURATION_SCHEDULE']);
  });

  it('a %SETTING% in host.json missing from local.settings.example.json', () => {
    const inputs = copy();
    const values = { ...(real.localSettings as { Values: Record<string, string> }).Values };
    delete values.DURABLE_TASK_HUB;
    inputs.localSettings = { Values: values };
    expect(codes(checkConfigContract(inputs))).toEqual(['LOCAL_SETTING_MISSING:DURABLE_TASK_HUB']);
  });

  it('a non-HTTP trigger left on in the staging slot; HTTP and durable registrations stay on', () => {
    const inputs = copy();
    inputs.bindings.push(
      registration('potPressureWatch', 'eventHub', {
        connection: { value: 'EventHubConnection' },
        eventHubName: { value: 'telemetry' },
      }),
    );
    inputs.bindings.push({ ...registration('nightlyReport', 'generic'), file: 'functions/probe-generic.ts' });
    inputs.bindings.push({ ...binding({}, 'timer', ['CURATION_SCHEDULE']), file: 'functions/probe-generic.ts' });
    inputs.bindings.push(
      registration('probeStatus', 'http'),
      registration('probeRun', 'orchestration'),
      registration('probeStep', 'activity'),
    );
    const findings = checkConfigContract(inputs);
    expect(codes(findings)).toEqual([
      'STAGING_TRIGGER_ENABLED:potPressureWatch',
      'STAGING_TRIGGER_ENABLED:nightlyReport',
    ]);
    expect(findings[1]!.message).toContain('on a timer trigger');
  });

  it('a parameter file whose stagingDisabledFunctions leaves a trigger on', () => {
    const inputs = copy();
    inputs.bicepFiles['env/test.bicepparam'] += "\nparam stagingDisabledFunctions = [ 'telemetryIngest' ]\n";
    const findings = checkConfigContract(inputs);
    expect(codes(findings).sort()).toEqual(
      [
        'alertNotifier',
        'alertSweep',
        'controlRoomFeed',
        'goldCuration',
        'ledgerWriter',
        'modelAccuracy',
        'optimizationSchedule',
        'outboxSweep',
        'plantMqttIngress',
        'scadaDispatcher',
        'setpointReadback',
        'telemetryAlerts',
        'telemetryLive',
      ].map((fn) => `STAGING_TRIGGER_ENABLED:${fn}`),
    );
    expect(findings.every((f) => f.message.endsWith('(env/test.bicepparam)'))).toBe(true);
  });

  it('checks every environment: a parameter file that renames the hub keeps hub and setting in step', () => {
    const inputs = copy();
    inputs.bicepFiles['env/dev.bicepparam'] += "\nparam telemetryHubName = 'telemetry-dev'\n";
    expect(checkConfigContract(inputs)).toEqual([]);
  });

  it('names the environment whose parameters break a link', () => {
    const inputs = copy();
    edit(inputs, 'main.bicep', 'TELEMETRY_HUB: telemetryHubName', "TELEMETRY_HUB: 'telemetry'");
    inputs.bicepFiles['env/prod.bicepparam'] += "\nparam telemetryHubName = 'telemetry-prod'\n";
    const findings = checkConfigContract(inputs);
    // One finding per function reading the hub (ingestion and the alert rules, each through its consumer group).
    expect(new Set(codes(findings))).toEqual(new Set(['HUB_NOT_PROVISIONED:telemetry']));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.message).toMatch(/env\/prod\.bicepparam\)$/);
  });
});
