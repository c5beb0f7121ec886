import { describe, expect, it } from 'vitest';
import { bodyBytes, eventsFromTrigger } from './trigger-events.js';

describe('eventsFromTrigger', () => {
  it('pairs bodies with the host metadata arrays and the partition', () => {
    const events = eventsFromTrigger([Buffer.from('a'), 'b'], {
      sequenceNumberArray: [41, 42],
      enqueuedTimeUtcArray: ['2026-11-22T10:00:00.000Z', '2026-11-22T10:00:01.000Z'],
      partitionKeyArray: ['L1-C001', 'L1-C002'],
      partitionContext: { partitionId: '3', eventHubName: 'telemetry' },
    });
    expect(events.map((e) => [e.partition, e.sequenceNumber, e.partitionKey, Buffer.from(e.body).toString()])).toEqual([
      ['3', 41, 'L1-C001', 'a'],
      ['3', 42, 'L1-C002', 'b'],
    ]);
    expect(events[1]!.enqueuedTimeUtc).toBe('2026-11-22T10:00:01.000Z');
  });

  it('keeps a body that arrived already parsed as its JSON text', () => {
    expect(Buffer.from(bodyBytes({ tag: 'cellVoltage' })).toString()).toBe('{"tag":"cellVoltage"}');
    expect(bodyBytes(null).length).toBe(0);
  });

  it('accepts the PascalCase partition context some hosts send', () => {
    expect(eventsFromTrigger(['x'], { partitionContext: { PartitionId: '7' } })[0]!.partition).toBe('7');
  });
});
