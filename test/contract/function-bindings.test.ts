import { describe, expect, it } from 'vitest';
import { bindingsInSource } from './function-bindings.js';

describe('function bindings read from source', () => {
  it('reads a trigger registration and ignores keys inside the handler and nested options', () => {
    const source = `
import { app, output } from '@azure/functions';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
const bus = output.serviceBusTopic({ topicName: PLANT_EVENTS_TOPIC, connection: 'ServiceBusConnection' });
export async function ingest(): Promise<void> { const x = { connection: 'nope' }; void x; }
app.eventHub('telemetryIngest', {
  connection: 'EventHubConnection', // identity-based in Azure
  eventHubName: '%TELEMETRY_HUB%',
  consumerGroup: "%TELEMETRY_CONSUMER_GROUP%",
  retry: { strategy: 'fixedDelay', path: 'not-a-blob' },
  extraOutputs: [bus],
  handler: ingest,
});`;
    expect(bindingsInSource(source)).toEqual([
      {
        role: 'output',
        kind: 'serviceBusTopic',
        options: { topicName: { reference: 'PLANT_EVENTS_TOPIC' }, connection: { literal: 'ServiceBusConnection' } },
        settingRefs: [],
      },
      {
        role: 'trigger',
        kind: 'eventHub',
        functionName: 'telemetryIngest',
        options: {
          connection: { literal: 'EventHubConnection' },
          eventHubName: { literal: '%TELEMETRY_HUB%' },
          consumerGroup: { literal: '%TELEMETRY_CONSUMER_GROUP%' },
        },
        settingRefs: ['TELEMETRY_HUB', 'TELEMETRY_CONSUMER_GROUP'],
      },
    ]);
  });

  it('reads member-chain references and shorthand properties', () => {
    const [b] = bindingsInSource(
      `df.app.orchestration('x', handler); app.serviceBusTopic('scada', { connection, topicName: Topics.plant, subscriptionName: 'scada', handler })`,
    ).slice(1);
    expect(b?.options).toEqual({
      connection: { reference: 'connection' },
      topicName: { reference: 'Topics.plant' },
      subscriptionName: { literal: 'scada' },
    });
  });

  it('reads durable client registrations and %SETTING% in options it does not otherwise name', () => {
    const [timer, http] = bindingsInSource(`
df.app.client.timer('nightlyRun', { schedule: '%NIGHTLY_SCHEDULE%', handler: start });
app.http('status', { route: 'v1/runs/{id}', methods: ['GET'], handler: status });`);
    expect(timer).toEqual({
      role: 'trigger',
      kind: 'timer',
      functionName: 'nightlyRun',
      options: {},
      settingRefs: ['NIGHTLY_SCHEDULE'],
    });
    expect(http).toMatchObject({ kind: 'http', functionName: 'status', settingRefs: [] });
  });

  it('ignores calls inside comments', () => {
    expect(bindingsInSource(`// app.eventHub('old', { eventHubName: 'gone' })\n/* app.http('x', {}) */`)).toEqual([]);
  });
});
