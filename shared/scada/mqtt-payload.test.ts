import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckMessage, PAYLOAD_LIMITS, payloadJson } from './mqtt-protocol.js';

const ack = {
  status: 'applied',
  commandId: 'cmd-1',
  correlationId: 'cmd-1/1',
  appliedAtMs: 1,
  applied: { acdCm: 3 },
  previous: { acdCm: 2.9 },
};

describe('MQTT payloads', () => {
  it('reads a command or ack as JSON, and nothing over the limits (undefined: the reader counts it unreadable)', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(AckMessage.parse(payloadJson(bytes(JSON.stringify(ack))))).toMatchObject({ commandId: 'cmd-1' });
    expect(payloadJson(bytes(`${'['.repeat(5000)}${']'.repeat(5000)}`))).toBeUndefined();
    expect(payloadJson(new Uint8Array(PAYLOAD_LIMITS.maxBytes + 1).fill(0x20))).toBeUndefined();
    expect(payloadJson(bytes('{"commandId":'))).toBeUndefined();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (b) => {
        payloadJson(b);
      }),
      { numRuns: 2000, seed: 6 },
    );
  });
});
