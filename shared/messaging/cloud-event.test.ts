import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOUDEVENT_STRUCTURED_CONTENT_TYPE,
  cloudEvent,
  CloudEventError,
  deterministicEventId,
  parsePlantEvent,
  toServiceBusMessage,
} from './cloud-event.js';
import { serviceBusTarget, ServiceBusConnectionError } from './connection.js';
import { EVENT_TYPE_PROPERTY, PlantEventType } from './subscriptions.js';

const SOURCE = '/functions/optimizationRun';
const T0 = '2024-05-01T10:00:00.000Z';

describe('cloudEvent', () => {
  it('builds a CloudEvents 1.0 envelope with every contract field', () => {
    const e = cloudEvent(
      PlantEventType.setpointRecommended,
      'L1-C001',
      { lineCurrentKA: 400 },
      { id: 'run-1/L1-C001', source: SOURCE, correlationId: 'run-1', time: T0 },
    );
    expect(e).toEqual({
      specversion: '1.0',
      id: e.id,
      source: SOURCE,
      type: 'smelter.setpoint.recommended',
      subject: 'L1-C001',
      time: T0,
      datacontenttype: 'application/json',
      data: { lineCurrentKA: 400 },
      correlationid: 'run-1',
    });
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives the same id from the same key (a retried producer publishes a duplicate consumers can drop) and different ids otherwise', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (subject, keyA, keyB) => {
          const a1 = cloudEvent(PlantEventType.overrideChanged, subject, {}, { id: keyA, source: SOURCE, time: T0 });
          const a2 = cloudEvent(
            PlantEventType.overrideChanged,
            subject,
            { other: true },
            { id: keyA, source: SOURCE, time: '2030-01-01T00:00:00Z' },
          );
          expect(a2.id).toBe(a1.id);
          if (keyA !== keyB)
            expect(cloudEvent(PlantEventType.overrideChanged, subject, {}, { id: keyB, source: SOURCE }).id).not.toBe(
              a1.id,
            );
          expect(deterministicEventId(PlantEventType.anomalyDetected, SOURCE, subject, keyA)).not.toBe(a1.id);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('gives random ids without a key', () => {
    const a = cloudEvent(PlantEventType.anomalyDetected, 'L1-C001', {}, { source: SOURCE });
    const b = cloudEvent(PlantEventType.anomalyDetected, 'L1-C001', {}, { source: SOURCE });
    expect(a.id).not.toBe(b.id);
  });

  it('refuses a type outside smelter.<noun>.<verb>, naming the field', () => {
    expect(() => cloudEvent('setpoint', 'L1-C001', {}, { source: SOURCE })).toThrow(CloudEventError);
    expect(() => cloudEvent('setpoint', 'L1-C001', {}, { source: SOURCE })).toThrow(
      /CloudEvent type must read smelter/,
    );
    expect(() => parsePlantEvent({ specversion: '0.3' })).toThrow(/specversion/);
  });
});

describe('a plant event from a message', () => {
  const event = cloudEvent(PlantEventType.overrideChanged, 'L1-C001', { mode: 'manual' }, { source: SOURCE, time: T0 });

  it('reads the body as the host hands it over: decoded, as JSON text, or as bytes', () => {
    expect(parsePlantEvent(JSON.stringify(event))).toEqual(event);
    expect(parsePlantEvent(new TextEncoder().encode(JSON.stringify(event)))).toEqual(event);
    expect(parsePlantEvent(structuredClone(event))).toEqual(event);
  });

  it('refuses a body over a limit naming it, before anything walks it (no stack overflow in the consumer)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(() => parsePlantEvent({ ...event, data: deep })).toThrow(
      expect.objectContaining({ code: 'ERR-CLOUDEVENT', message: expect.stringContaining('(limit maxDepth)') }),
    );
    const text = `${JSON.stringify({ ...event, data: null }).slice(0, -1)},"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(() => parsePlantEvent(text)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('maxDepth') }),
    );
    expect(() => parsePlantEvent(JSON.parse(`{"data":{"__proto__":{"mode":"auto"}}}`))).toThrow(
      expect.objectContaining({ field: 'data.__proto__' }),
    );
    expect(() => parsePlantEvent('{"specversion":')).toThrow(CloudEventError);
  });
});

describe('toServiceBusMessage', () => {
  it('carries the event id as message id and its type as the application property the subscription filters read', () => {
    const e = cloudEvent(
      PlantEventType.optimizationCompleted,
      'L2',
      { runId: 'r' },
      { id: 'r', source: SOURCE, correlationId: 'c-1', time: T0 },
    );
    const m = toServiceBusMessage(e);
    expect(m).toEqual({
      body: e,
      messageId: e.id,
      contentType: CLOUDEVENT_STRUCTURED_CONTENT_TYPE,
      subject: 'L2',
      correlationId: 'c-1',
      applicationProperties: { [EVENT_TYPE_PROPERTY]: PlantEventType.optimizationCompleted },
    });
    expect(parsePlantEvent(JSON.parse(JSON.stringify(m.body)))).toEqual(e);
  });
});

describe('serviceBusTarget', () => {
  it('prefers the managed-identity namespace, accepts SAS connection strings and the devhost endpoint', () => {
    expect(
      serviceBusTarget({
        ServiceBusConnection__fullyQualifiedNamespace: 'sb-smelter.servicebus.windows.net',
        ServiceBusConnection: 'x',
      }),
    ).toEqual({
      kind: 'azure-identity',
      fullyQualifiedNamespace: 'sb-smelter.servicebus.windows.net',
    });
    const sas = 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s';
    expect(serviceBusTarget({ ServiceBusConnection: sas })).toEqual({
      kind: 'azure-connection-string',
      connectionString: sas,
    });
    expect(
      serviceBusTarget({ ServiceBusConnection: 'UseDevhost=true;Endpoint=http://127.0.0.1:7071/_devhost/servicebus/' }),
    ).toEqual({
      kind: 'devhost',
      endpoint: 'http://127.0.0.1:7071/_devhost/servicebus',
    });
  });

  it('names the setting when nothing usable is configured', () => {
    expect(() => serviceBusTarget({})).toThrow(ServiceBusConnectionError);
    expect(() => serviceBusTarget({ ServiceBusConnection: 'nonsense' })).toThrow(/^ServiceBusConnection is neither/);
  });
});
