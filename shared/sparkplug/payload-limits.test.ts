import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, MAX_PAYLOAD_BYTES, SparkplugPayloadError } from './codec.js';
import { routedMessageOf } from './routed-message.js';
import { statePayloadOf } from './topic.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('plant MQTT payloads are measured before they are read', () => {
  it('refuses a Sparkplug payload over the broker’s message limit before decoding it, naming the limit', () => {
    const ok = encodePayload({ timestamp: 1, seq: 0, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 0 }] });
    expect(decodePayload(ok).metrics).toHaveLength(1);
    expect(() => decodePayload(new Uint8Array(MAX_PAYLOAD_BYTES + 1))).toThrow(SparkplugPayloadError);
    expect(() => decodePayload(new Uint8Array(MAX_PAYLOAD_BYTES + 1))).toThrow(/MAX_PAYLOAD_BYTES/);
  });

  it('refuses a routed event nested deeper than a routed message can be, with a reason instead of a throw', () => {
    const deep = `{"specversion":"1.0","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(routedMessageOf(deep)).toMatchObject({ ok: false, reason: expect.stringContaining('maxDepth') });
    expect(routedMessageOf(bytes('{'))).toMatchObject({ ok: false });
  });

  it('reads a STATE payload and nothing that is not one', () => {
    expect(statePayloadOf(bytes('{"online":true,"timestamp":5}'))).toEqual({ online: true, timestamp: 5 });
    expect(statePayloadOf(bytes(`{"online":${'['.repeat(5000)}${']'.repeat(5000)}}`))).toBeUndefined();
    expect(statePayloadOf(bytes('not json'))).toBeUndefined();
    expect(statePayloadOf(new Uint8Array(10_000).fill(0x20))).toBeUndefined();
  });
});
