import { describe, expect, it } from 'vitest';
import { eventHubsSink } from './event-hubs-sink.js';

describe('Event Hubs sink configuration', () => {
  it('needs a connection string or a namespace, and says so naming the field', () => {
    expect(() => eventHubsSink({})).toThrow(expect.objectContaining({ code: 'SIM-CONFIG', field: 'connectionString' }));
  });

  it('builds a producer from a connection string without connecting until the first send', async () => {
    const sink = eventHubsSink({
      connectionString:
        'Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0',
      eventHubName: 'telemetry',
    });
    await sink.send([]);
    await sink.close?.();
  });
});
